import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { createLogTarget, type InfoLogger } from '../../../shared/events/logTarget';
import { anEvent } from './fixtures';

describe('createLogTarget', () => {
  it('logs "event emitted" with the type, id, merchant_uid and status only', async () => {
    const info = vi.fn<InfoLogger['info']>();

    const target = createLogTarget({ info });
    await target.deliver(anEvent());

    expect(target.name).toBe('log');
    expect(info).toHaveBeenCalledExactlyOnceWith('event emitted', {
      type: 'order.paid',
      id: 'order_1001:2',
      merchant_uid: 'order_1001',
      status: 'paid',
    });
  });

  it('takes a Powertools Logger', async () => {
    const logger = new Logger({ serviceName: 'events-test', logLevel: 'SILENT' });
    const info = vi.spyOn(logger, 'info');

    await createLogTarget(logger).deliver(anEvent({ type: 'order.failed', status: 'failed' }));

    expect(info).toHaveBeenCalledWith('event emitted', expect.objectContaining({ type: 'order.failed' }));
  });
});

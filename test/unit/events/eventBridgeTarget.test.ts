import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it, vi } from 'vitest';
import { EventBridgeDeliveryError } from '../../../shared/events/errors';
import { createEventBridgeTarget, type PutEventsSender } from '../../../shared/events/eventBridgeTarget';
import { anEvent } from './fixtures';

type Output = Awaited<ReturnType<PutEventsSender['send']>>;

function fakeClient(answer: Output | Error) {
  const send = vi.fn(async (_command: PutEventsCommand): Promise<Output> => {
    if (answer instanceof Error) throw answer;
    return answer;
  });
  return { client: { send } satisfies PutEventsSender, send };
}

const options = { busName: 'iamport-verify-dev', source: 'iamport-verify' };

describe('createEventBridgeTarget', () => {
  it('puts one entry: bus, source, the type as DetailType, the event as Detail, its time', async () => {
    const { client, send } = fakeClient({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const event = anEvent();

    const target = createEventBridgeTarget({ client, ...options });
    await target.deliver(event);

    expect(target.name).toBe('eventbridge');
    expect(send).toHaveBeenCalledTimes(1);
    const command = send.mock.calls[0]?.[0];
    expect(command).toBeInstanceOf(PutEventsCommand);
    expect(command?.input).toEqual({
      Entries: [
        {
          EventBusName: 'iamport-verify-dev',
          Source: 'iamport-verify',
          DetailType: 'order.paid',
          Detail: JSON.stringify(event),
          Time: new Date('2025-03-01T09:30:00.000Z'),
        },
      ],
    });
  });

  it('leaves Time out when occurred_at is unreadable', async () => {
    const { client, send } = fakeClient({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    await createEventBridgeTarget({ client, ...options }).deliver(anEvent({ occurred_at: 'yesterday' }));

    expect(send.mock.calls[0]?.[0].input.Entries?.[0]).not.toHaveProperty('Time');
  });

  it('throws with the entry’s ErrorCode, not its message or the detail, when FailedEntryCount > 0', async () => {
    const { client } = fakeClient({
      FailedEntryCount: 1,
      Entries: [
        { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded for {"merchant_uid":"order_1001"}' },
      ],
    });

    const error = await createEventBridgeTarget({ client, ...options })
      .deliver(anEvent())
      .catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(EventBridgeDeliveryError);
    expect(error).toMatchObject({
      errorCode: 'ThrottlingException',
      target: 'eventbridge',
      message: 'PutEvents refused order.paid order_1001:2: ThrottlingException',
    });
  });

  it('wraps a failed call, keeping the SDK error as the cause', async () => {
    const sdkError = Object.assign(new Error('Event bus iamport-verify-dev does not exist.'), {
      name: 'ResourceNotFoundException',
    });
    const { client } = fakeClient(sdkError);

    const error = await createEventBridgeTarget({ client, ...options })
      .deliver(anEvent())
      .catch((reason: unknown) => reason);

    expect(error).toMatchObject({
      name: 'EventBridgeDeliveryError',
      message: 'PutEvents failed for order.paid order_1001:2: ResourceNotFoundException',
      cause: sdkError,
      errorCode: undefined,
    });
  });

  it('refuses an empty bus or source and a reserved aws. source at creation', () => {
    const { client } = fakeClient({ FailedEntryCount: 0 });

    expect(() => createEventBridgeTarget({ client, ...options, busName: ' ' })).toThrow('busName');
    expect(() => createEventBridgeTarget({ client, ...options, source: '' })).toThrow('source');
    expect(() => createEventBridgeTarget({ client, ...options, source: 'aws.events' })).toThrow('aws.');
  });

  it('accepts a real EventBridgeClient as its client', () => {
    const client: PutEventsSender = new EventBridgeClient({ region: 'ap-northeast-2' });

    expect(createEventBridgeTarget({ client, ...options }).name).toBe('eventbridge');
  });
});

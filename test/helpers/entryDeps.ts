import type { Payment } from '../../shared/iamport/types';
import type { Order } from '../../shared/orders/types';
import type { VerifyOrQueueDeps } from '../../shared/payments/verifyOrQueue';
import { iamportProvider } from '../../shared/providers/iamportProvider';
import { memoryEvents } from './fakeEvents';
import { anOrder, aPayment, FakeIamport, FakeRetryQueue, MemoryOrderStore } from './fakes';

/** What an entry point's handler needs, on fakes: one paid payment and its pending order by default. */
export function fakeEntryDeps(
  options: { payments?: Payment[]; orders?: Order[] } = {},
): VerifyOrQueueDeps & { iamport: FakeIamport; orders: MemoryOrderStore; queue: FakeRetryQueue } {
  const orders = new MemoryOrderStore(...(options.orders ?? [anOrder()]));
  const iamport = new FakeIamport(...(options.payments ?? [aPayment()]));
  return {
    iamport,
    provider: iamportProvider(iamport),
    orders,
    queue: new FakeRetryQueue(),
    events: memoryEvents(orders).events,
    acceptSandboxPayments: false,
    retryBaseSeconds: 1,
  };
}

import type { Payment } from '../../shared/iamport/types';
import type { Order } from '../../shared/orders/types';
import type { VerifyOrQueueDeps } from '../../shared/payments/verifyOrQueue';
import { iamportProvider } from '../../shared/providers/iamportProvider';
import { anOrder, aPayment, FakeIamport, FakeRetryQueue, MemoryOrderStore } from './fakes';

/** What an entry point's handler needs, on fakes: one paid payment and its pending order by default. */
export function fakeEntryDeps(
  options: { payments?: Payment[]; orders?: Order[] } = {},
): VerifyOrQueueDeps & { iamport: FakeIamport; orders: MemoryOrderStore; queue: FakeRetryQueue } {
  // Order events on, as deployed: each transition records its event with it.
  const orders = new MemoryOrderStore(...(options.orders ?? [anOrder()])).withEvents();
  const iamport = new FakeIamport(...(options.payments ?? [aPayment()]));
  return {
    iamport,
    provider: iamportProvider(iamport),
    orders,
    queue: new FakeRetryQueue(),
    acceptSandboxPayments: false,
    retryBaseSeconds: 1,
  };
}

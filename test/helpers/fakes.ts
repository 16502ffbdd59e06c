/**
 * In-memory fakes of the two ports the verification domain talks to (`OrderStore`, `IamportApi`), and
 * factories for valid fixtures. They mirror the real adapters' semantics closely enough that the
 * unit tests of `shared/payments` and `shared/orders` can count round trips and stage races:
 *
 * - `MemoryOrderStore` follows `createDynamoOrderStore`: every change is one version-conditioned write,
 *   items are validated with `orderSchema` on the way out, and callers only ever see copies.
 * - `FakeIamport` is the sandbox itself, in process (`sandbox/inProcess.ts`): its routes answer, the real
 *   client's code builds, checks and reads every call; the fake only records calls and scripts faults.
 */
export * from './fakeIamport';
export * from './fakeRetryQueue';
export * from './fixtures';
export * from './memoryOrderStore';

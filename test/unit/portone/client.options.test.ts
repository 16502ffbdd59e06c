import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { createPortOneClient, PORTONE_CLIENT_DEFAULTS } from '../../../shared/portone';
import { paymentJson, SECRET } from './mockPortOne';

/** A MockAgent that answers any GET on `origin` with a payment and records the paths it saw. */
function agentFor(origin: string) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: string[] = [];
  agent
    .get(origin)
    .intercept({ path: () => true })
    .reply(({ path }) => {
      seen.push(path);
      return { statusCode: 200, data: JSON.stringify(paymentJson()) };
    });
  return { agent, seen };
}

describe('createPortOneClient: options', () => {
  it('talks to https://api.portone.io by default', async () => {
    const { agent, seen } = agentFor('https://api.portone.io');
    const client = createPortOneClient({ secret: SECRET, dispatcher: agent });

    await client.getPayment('p1');

    expect(PORTONE_CLIENT_DEFAULTS).toEqual({ baseUrl: 'https://api.portone.io', timeoutMs: 10_000 });
    expect(seen).toEqual(['/payments/p1']);
    await client.close();
    await agent.close();
  });

  it('keeps a base URL’s path prefix and drops its trailing slash', async () => {
    const { agent, seen } = agentFor('http://127.0.0.1:3200');
    const client = createPortOneClient({
      baseUrl: new URL('http://127.0.0.1:3200/portone/'),
      secret: SECRET,
      dispatcher: agent,
    });

    await client.getPayment('p1');

    expect(seen).toEqual(['/portone/payments/p1']);
    await client.close();
    await agent.close();
  });

  it('leaves an injected dispatcher open on close(), and close() is idempotent', async () => {
    const { agent } = agentFor('https://api.portone.io');
    const client = createPortOneClient({ secret: SECRET, dispatcher: agent });

    await Promise.all([client.close(), client.close()]);
    await client.close();

    // The agent still serves its owner's other clients.
    const other = createPortOneClient({ secret: SECRET, dispatcher: agent });
    await expect(other.getPayment('p1')).resolves.toMatchObject({ id: 'payment-order-1001' });
    await agent.close();
  });
});

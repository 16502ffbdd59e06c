import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  parseWebhookSecret,
  signWebhook,
  verifyWebhook,
  type WebhookHeaders,
  WebhookVerificationError,
} from '../../../shared/events/standardWebhooks';
import { anEvent, keyText, NEXT_SECRET, SECRET } from './fixtures';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const event = anEvent();
const body = JSON.stringify(event);
const signNow = (secret = SECRET, payload = body, timestamp = nowSeconds()) =>
  signWebhook({ secret, id: event.id, timestamp, body: payload });

type VerifyInput = Parameters<typeof verifyWebhook>[0];

/** The reason our verifier gives, or 'ok'; secrets and body default to the test's own. */
function ourVerdict(input: Omit<VerifyInput, 'secrets' | 'body'> & Partial<VerifyInput>) {
  try {
    verifyWebhook({ secrets: [SECRET], body, ...input });
    return 'ok';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}

describe('signWebhook', () => {
  it('produces the three headers: id, unix-seconds timestamp, v1 signature', () => {
    const headers = signWebhook({ secret: SECRET, id: 'msg_1', timestamp: 1_700_000_000, body: '{}' });

    expect(headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
    });
  });

  it('verifies with the independent standardwebhooks package, which returns the event', () => {
    expect(new Webhook(SECRET).verify(body, { ...signNow() })).toEqual(event);
  });

  it('verifies with our verifyWebhook', () => {
    const headers = signNow();

    expect(verifyWebhook({ secrets: [SECRET], headers: { ...headers }, body })).toEqual({
      id: event.id,
      timestamp: Number(headers['webhook-timestamp']),
      payload: event,
    });
  });

  it('signs the same with or without the whsec_ prefix; both forms verify', () => {
    const timestamp = nowSeconds();
    const withPrefix = signNow(SECRET, body, timestamp);
    const bare = signNow(keyText(SECRET), body, timestamp);

    expect(bare).toEqual(withPrefix);
    expect(new Webhook(keyText(SECRET)).verify(body, { ...withPrefix })).toEqual(event);
    expect(verifyWebhook({ secrets: [keyText(SECRET)], headers: { ...bare }, body }).payload).toEqual(event);
  });

  it('fails when the body changes', () => {
    const headers = { ...signNow() };
    const tampered = body.replace('14000', '1400');

    expect(() => new Webhook(SECRET).verify(tampered, headers)).toThrow('No matching signature found');
    expect(ourVerdict({ headers, body: tampered })).toBe('no_matching_signature');
  });

  it('fails when the timestamp changes', () => {
    const headers: WebhookHeaders = { ...signNow() };
    headers['webhook-timestamp'] = String(Number(headers['webhook-timestamp']) + 1);

    expect(() => new Webhook(SECRET).verify(body, { ...headers })).toThrow('No matching signature found');
    expect(ourVerdict({ headers })).toBe('no_matching_signature');
  });

  it('fails when the secret changes', () => {
    const headers = { ...signNow() };

    expect(() => new Webhook(NEXT_SECRET).verify(body, headers)).toThrow('No matching signature found');
    expect(ourVerdict({ headers, secrets: [NEXT_SECRET] })).toBe('no_matching_signature');
  });
});

describe('timestamps', () => {
  // The clock stands still: a second ticking over between signing at now ± 301 and verifying would
  // leave 300 s of skew, which both verifiers accept (a busy CI run met it).
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_500);
  });
  afterEach(() => vi.useRealTimers());

  it('refuses a correctly signed delivery more than 5 minutes old, in both verifiers', () => {
    const headers = { ...signNow(SECRET, body, nowSeconds() - 301) };

    expect(() => new Webhook(SECRET).verify(body, headers)).toThrow('Message timestamp too old');
    expect(ourVerdict({ headers })).toBe('timestamp_too_old');
  });

  it('refuses one more than 5 minutes in the future, in both verifiers', () => {
    const headers = { ...signNow(SECRET, body, nowSeconds() + 301) };

    expect(() => new Webhook(SECRET).verify(body, headers)).toThrow('Message timestamp too new');
    expect(ourVerdict({ headers })).toBe('timestamp_too_new');
  });

  it('accepts exactly 5 minutes of skew and honours a custom tolerance and clock', () => {
    const at = 1_700_000_000;
    const headers = { ...signNow(SECRET, body, at) };
    const now = () => (at + 300) * 1000 + 999;

    expect(ourVerdict({ headers, now })).toBe('ok');
    expect(ourVerdict({ headers, now, toleranceSeconds: 299 })).toBe('timestamp_too_old');
  });

  it('refuses a timestamp that is not unix seconds', () => {
    for (const stamp of ['1.7e9', '-1', 'now', '2025-03-01T09:30:00Z']) {
      expect(ourVerdict({ headers: { ...signNow(), 'webhook-timestamp': stamp } })).toBe('invalid_timestamp');
    }
  });
});

describe('secret rotation', () => {
  it('accepts a header with signatures by the old and the new secret, in both verifiers', () => {
    const timestamp = nowSeconds();
    const old = signNow(SECRET, body, timestamp);
    const next = signNow(NEXT_SECRET, body, timestamp);
    const headers = {
      ...old,
      'webhook-signature': `${old['webhook-signature']} ${next['webhook-signature']}`,
    };

    expect(new Webhook(SECRET).verify(body, headers)).toEqual(event);
    expect(new Webhook(NEXT_SECRET).verify(body, headers)).toEqual(event);
    expect(ourVerdict({ headers, secrets: [SECRET] })).toBe('ok');
    expect(ourVerdict({ headers, secrets: [NEXT_SECRET] })).toBe('ok');
  });

  it('accepts a delivery signed by any of the receiver’s secrets', () => {
    const headers = { ...signNow(NEXT_SECRET) };

    expect(ourVerdict({ headers, secrets: [SECRET, NEXT_SECRET] })).toBe('ok');
  });

  it('skips entries of other versions and refuses when no v1 entry matches', () => {
    const good = signNow();
    const sig = good['webhook-signature'].slice(3);

    expect(
      ourVerdict({ headers: { ...good, 'webhook-signature': `v1a,xyz ${good['webhook-signature']}` } }),
    ).toBe('ok');
    expect(ourVerdict({ headers: { ...good, 'webhook-signature': `v2,${sig}` } })).toBe(
      'no_matching_signature',
    );
    expect(ourVerdict({ headers: { ...good, 'webhook-signature': sig } })).toBe('no_matching_signature');
  });
});

describe('verifyWebhook: headers and body', () => {
  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const)(
    'refuses a missing %s',
    (name) => {
      const headers: Record<string, string> = { ...signNow() };
      delete headers[name];

      expect(ourVerdict({ headers })).toBe('missing_header');
      expect(ourVerdict({ headers: { ...headers, [name]: '' } })).toBe('missing_header');
    },
  );

  it('refuses duplicated headers: arrays, two spellings, and values joined by Node or fetch', () => {
    const headers = signNow();
    const signature = headers['webhook-signature'];

    expect(ourVerdict({ headers: { ...headers, 'webhook-signature': [signature, signature] } })).toBe(
      'duplicated_header',
    );
    expect(ourVerdict({ headers: { ...headers, 'Webhook-Id': event.id } })).toBe('duplicated_header');
    expect(ourVerdict({ headers: { ...headers, 'webhook-signature': `${signature}, ${signature}` } })).toBe(
      'duplicated_header',
    );
    const joined = new Headers(headers);
    joined.append('webhook-timestamp', headers['webhook-timestamp']);
    expect(ourVerdict({ headers: joined })).toBe('duplicated_header');
  });

  it('reads fetch Headers, mixed-case objects and single-element arrays (headersDistinct)', () => {
    const headers = signNow();

    expect(ourVerdict({ headers: new Headers(headers) })).toBe('ok');
    expect(
      ourVerdict({
        headers: {
          'Webhook-Id': headers['webhook-id'],
          'WEBHOOK-TIMESTAMP': [headers['webhook-timestamp']],
          'webhook-signature': headers['webhook-signature'],
          'x-other': undefined,
        },
      }),
    ).toBe('ok');
  });

  it('verifies the raw bytes of a Buffer body', () => {
    const payload = JSON.stringify({ ...event, merchant_uid: '주문-1001' });
    const headers = { ...signNow(SECRET, payload) };

    expect(verifyWebhook({ secrets: [SECRET], headers, body: Buffer.from(payload) }).payload).toEqual(
      JSON.parse(payload),
    );
    expect(new Webhook(SECRET).verify(Buffer.from(payload), headers)).toEqual(JSON.parse(payload));
  });

  it('refuses a genuine delivery whose body is not JSON', () => {
    expect(ourVerdict({ headers: { ...signNow(SECRET, 'not json') }, body: 'not json' })).toBe(
      'invalid_json',
    );
  });

  it('needs at least one secret and a sane tolerance', () => {
    expect(() => verifyWebhook({ secrets: [], headers: { ...signNow() }, body })).toThrow(TypeError);
    expect(() => verifyWebhook({ secrets: [SECRET], headers: {}, body, toleranceSeconds: -1 })).toThrow(
      'toleranceSeconds',
    );
  });
});

describe('parseWebhookSecret', () => {
  it('returns the decoded key, with or without the whsec_ prefix', () => {
    expect(parseWebhookSecret(SECRET)).toEqual(Buffer.from(keyText(SECRET), 'base64'));
    expect(parseWebhookSecret(keyText(NEXT_SECRET))).toHaveLength(32);
  });

  const key32 = Buffer.alloc(32, 0xfb).toString('base64'); // '+/v7…' exercises both special characters
  it.each([
    ['empty', '', 'empty'],
    ['the prefix alone', 'whsec_', 'not padded standard base64'],
    ['a trailing newline', `whsec_${key32}\n`, 'whitespace'],
    ['URL-safe base64', `whsec_${key32.replace(/\+/g, '-').replace(/\//g, '_')}`, 'URL-safe'],
    ['missing padding', `whsec_${Buffer.alloc(32, 1).toString('base64').replace(/=+$/, '')}`, 'not padded'],
    ['other characters', `whsec_${key32.slice(0, -4)}$$$$`, 'not padded standard base64'],
    ['a key shorter than 24 bytes', `whsec_${Buffer.alloc(16, 2).toString('base64')}`, '16 bytes'],
    ['a key longer than 64 bytes', `whsec_${Buffer.alloc(65, 3).toString('base64')}`, '65 bytes'],
  ])('refuses %s, naming the problem without echoing the secret', (_, secret, problem) => {
    let message = '';
    try {
      parseWebhookSecret(secret);
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      message = error instanceof Error ? error.message : '';
    }

    expect(message).toContain(problem);
    const key = keyText(secret).trim();
    if (key !== '') expect(message).not.toContain(key.slice(0, 12));
  });

  it('is what signWebhook and verifyWebhook use: a malformed secret fails both, unechoed', () => {
    const bad = `whsec_${Buffer.alloc(8, 9).toString('base64')}`;

    expect(() => signWebhook({ secret: bad, id: 'x', timestamp: 1, body: '' })).toThrow('8 bytes');
    expect(() => verifyWebhook({ secrets: [bad], headers: {}, body: '' })).toThrow('8 bytes');
  });
});

describe('signWebhook input checks', () => {
  it('refuses an empty id and a timestamp that is not whole seconds', () => {
    expect(() => signWebhook({ secret: SECRET, id: '', timestamp: 1, body: '' })).toThrow('id');
    expect(() => signWebhook({ secret: SECRET, id: 'x', timestamp: 1.5, body: '' })).toThrow('unix seconds');
  });
});

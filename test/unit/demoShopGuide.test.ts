import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { guideScripts } from '../../local/demoShop/guideScripts';

const settings = {
  apiUrl: 'http://127.0.0.1:3000',
  portoneStoreId: 'store-11111111-2222-4333-8444-555555555555',
  portoneChannelKey: 'channel-key-sandbox',
};
const guideFile = (name: string): string =>
  readFileSync(new URL(`../../local/demoShop/guide/${name}`, import.meta.url), 'utf8');

describe('demo shop: the published browser code it serves', () => {
  it('serves PortOne’s V2 sample with only the store id, the channel key and the complete URL changed', () => {
    const served = guideScripts(settings).v2;
    expect(served).toContain(`"${settings.portoneStoreId}", // 상점 ID`);
    expect(served).toContain('"channel-key-sandbox", // 채널 키');
    expect(served).toContain('fetch("http://127.0.0.1:3000/v2/payments/complete", {');
    // Undo the three changes: what is left is the file as published, byte for byte.
    const restored = served
      .replace(`"${settings.portoneStoreId}"`, '"store-00000000-0000-0000-0000-000000000000"')
      .replace('"channel-key-sandbox"', '"channel-key-00000000-0000-0000-0000-000000000000"')
      .replace('fetch("http://127.0.0.1:3000/v2/payments/complete"', 'fetch("/api/payment/complete"');
    expect(restored).toBe(guideFile('v2-checkout.js'));
  });

  it('serves the V1 guide snippets inside functions, with only their URLs changed', () => {
    const { pc, mobile } = guideScripts(settings);
    expect(pc.startsWith('function payWithGuidePc() {\n')).toBe(true);
    expect(pc).toContain('url: "http://127.0.0.1:3000/payments/complete"');
    expect(mobile).toContain('m_redirect_url : "http://127.0.0.1:3000/payments/complete/mobile"');
  });
});

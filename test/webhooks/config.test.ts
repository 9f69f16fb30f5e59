import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events.js';
import { ConfigError } from '../../src/core/config/load.js';
import { createConfigSchema, defaultWebhookId } from '../../src/core/config/schema.js';
import { parseConfigText } from '../../src/server/config.js';
import { VENDORS } from '../../src/vendors/index.js';

/** The `webhooks` list of the config file: defaults, and refusals that never quote a secret. */

const SECRET = 'whsec-config-canary-0123456789';
const env = { HOOK_SECRET: SECRET };
const schema = createConfigSchema(VENDORS.map((vendor) => vendor.account.schema));

function parsed(webhooks: unknown) {
  return schema.parse({ accounts: [], auth: { mode: 'none' }, webhooks }).webhooks;
}

/** The issues of a config whose `webhooks` is this YAML (indented under the key). */
function issues(yaml: string): { path: string; message: string }[] {
  try {
    parseConfigText(`accounts: []\nauth:\n  mode: none\nwebhooks:\n${yaml}`, 'yaml', env);
  } catch (error) {
    if (error instanceof ConfigError) {
      expect(error.message).not.toContain(SECRET);
      return error.issues.map(({ path, message }) => ({ path, message }));
    }
    throw error;
  }
  return [];
}

describe('webhooks in the config file', () => {
  it('reach the gateway from the file (the loader keeps them)', () => {
    const config = parseConfigText(`accounts: []\nauth:\n  mode: none\nwebhooks:\n  - url: https://hooks.example.com/patchbay\n    secret: \${HOOK_SECRET}\n`, 'yaml', { HOOK_SECRET: SECRET });
    expect(config.webhooks?.map((webhook) => webhook.url)).toEqual(['https://hooks.example.com/patchbay']);
    expect(config.webhooks?.[0]?.events.length).toBe(EVENT_TYPES.length);
  });

  it('defaults events to every type and the id to one derived from the URL alone, and reads the secret from the environment', () => {
    const [first, second] = parsed([
      { url: 'https://hooks.example.com/patchbay?token=abc', secret: SECRET },
      { id: 'ops', url: 'https://hooks.example.com/patchbay?token=abc', secret: 'another-secret-0123456789', events: ['connection.deleted'] },
    ]);
    expect(first).toEqual({
      id: defaultWebhookId('https://hooks.example.com/patchbay?token=abc'),
      url: 'https://hooks.example.com/patchbay?token=abc',
      secret: SECRET,
      events: [...EVENT_TYPES],
    });
    expect(first?.id).toMatch(/^url-[0-9a-f]{16}$/);
    // The same URL under another secret keeps its id: the id never depends on the secret.
    expect(parsed([{ url: 'https://hooks.example.com/patchbay?token=abc', secret: 'yet-another-secret-0123' }])[0]?.id).toBe(first?.id);
    expect(second).toMatchObject({ id: 'ops', events: ['connection.deleted'] });
    expect(issues('  - url: http://127.0.0.1:8080/hooks\n    secret: ${HOOK_SECRET}\n')).toEqual([]);
    expect(parsed(undefined)).toEqual([]);
  });

  it('refuses an unknown event type, a short secret, a duplicate id and a URL the vendor rules refuse, without quoting the secret', () => {
    expect(issues('  - url: https://hooks.example.com/a\n    secret: ${HOOK_SECRET}\n    events: [connection.created, connection.exploded]\n')).toEqual([
      { path: 'webhooks[0].events[1]', message: expect.stringContaining('must be one of connection.created') },
    ]);
    expect(issues('  - url: https://hooks.example.com/a\n    secret: short-secret\n')).toEqual([{ path: 'webhooks[0].secret', message: 'must be at least 16 characters' }]);
    expect(issues('  - url: https://hooks.example.com/a\n    secret: ${HOOK_SECRET}\n  - url: https://hooks.example.com/a\n    secret: ${HOOK_SECRET}\n')).toEqual([
      { path: 'webhooks[1].id', message: expect.stringContaining('duplicate webhook id') },
    ]);
    expect(issues('  - url: http://hooks.example.com/a\n    secret: ${HOOK_SECRET}\n')).toEqual([{ path: 'webhooks[0].url', message: expect.stringContaining('must use https') }]);
    expect(issues('  - url: http://hooks.example.com/a\n    secret: ${HOOK_SECRET}\n    allowInsecureHttp: true\n')).toEqual([]);
    expect(issues(`  - url: https://user:${SECRET}@hooks.example.com/a\n    secret: \${HOOK_SECRET}\n`)).toEqual([
      { path: 'webhooks[0].url', message: expect.stringContaining('must not contain credentials') },
    ]);
    expect(issues('  - url: ftp://hooks.example.com/a\n    secret: ${HOOK_SECRET}\n')).toEqual([{ path: 'webhooks[0].url', message: 'must use http or https' }]);
    expect(issues('  - url: https://hooks.example.com/a\n    secret: ${HOOK_SECRET}\n    events: []\n')).toEqual([
      { path: 'webhooks[0].events', message: expect.stringContaining('at least one event type') },
    ]);
  });
});

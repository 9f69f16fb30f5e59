#!/usr/bin/env -S node --import tsx
import { generateApiKey, hashApiKey } from '../core/auth/api-keys.js';

/**
 * `patchbay keys generate` (`npm run keys -- generate`): prints a new random API key and the
 * `sha256:<hex>` hash a config file may hold instead of it. The key goes to the caller that will
 * use it; the hash goes into `auth.apiKeys[].keyHash`, so the file never holds the key.
 */
const USAGE = `Usage: patchbay keys generate [--name NAME]

Prints a new random API key and its sha256 hash, ready for the config file's auth.apiKeys.
`;

function run(args: readonly string[], write: (text: string) => void): number {
  const [group, command, ...rest] = args;
  if (group !== 'keys' || command !== 'generate') {
    write(USAGE);
    return group === undefined || group === '--help' || group === '-h' ? 0 : 2;
  }
  const nameIndex = rest.indexOf('--name');
  const name = nameIndex === -1 ? 'ci' : rest[nameIndex + 1];
  if (name === undefined || !/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) {
    write(`--name must be 1-64 characters of A-Z, a-z, 0-9, '_', '.', '@' or '-'\n`);
    return 2;
  }
  const key = generateApiKey();
  write(
    [
      `key:     ${key}`,
      `keyHash: ${hashApiKey(key)}`,
      '',
      '# Give the key to the caller (it sends `Authorization: Bearer <key>`); it is shown only now.',
      '# Put the hash in the config file:',
      'auth:',
      '  apiKeys:',
      `    - name: ${name}`,
      `      keyHash: "${hashApiKey(key)}"`,
      '      scopes: [connections:read]',
      '',
    ].join('\n'),
  );
  return 0;
}

process.exitCode = run(process.argv.slice(2), (text) => process.stdout.write(text));

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey, hashApiKey } from '../core/auth/api-keys.js';
import { ConfigError } from '../core/config/load.js';

/**
 * `patchbay <command>`: the one command line, run by bin/patchbay.mjs from dist/ once built or
 * from these sources through tsx. `serve` and `simulators` hand over to their own entry files
 * (which listen until a signal); the others print, set the exit code and end.
 */
const USAGE = `Usage: patchbay <command> [options]

Commands:
  serve                       Run the gateway: demo mode, or config mode with PATCHBAY_CONFIG
                              (PORT, HOST, PATCHBAY_DATA_DIR, PATCHBAY_DATABASE_URL, LOG_LEVEL)
  simulators [--port-base N] [--bench]
                              Run every vendor simulator without the gateway (--bench: no vendor throttles)
  check-config <file>         Validate a config file and probe every account it names
  migrate                     Bring the store's schema up to date and exit (PATCHBAY_DATABASE_URL or
                              PATCHBAY_DATA_DIR; PATCHBAY_CONFIG for gateway.store settings)
  keys generate [--name NAME] Print a new random API key and the hash for auth.apiKeys

Options:
  -h, --help                  Show this help
  -v, --version               Show the version
`;

const KEYS_USAGE = `Usage: patchbay keys generate [--name NAME]

Prints a new random API key and its sha256 hash, ready for the config file's auth.apiKeys.
`;

type Write = (text: string) => void;

interface Io {
  readonly out: Write;
  readonly err: Write;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes: 0 done, 1 the command ran and found a problem, 2 the command line itself is wrong. */
const USAGE_ERROR = 2;

/**
 * The version in Patchbay's package.json above this file: two levels up from src/server, three
 * from dist/src/server, seven from the bundle npm start and the command make from a checkout
 * (node_modules/.cache/patchbay/<digest>/src/server).
 */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'patchbay' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No package.json at this level: look one up.
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/** `patchbay keys generate`: a key for the caller, its hash for the config file (which then never holds the key). */
function keys(args: readonly string[], io: Io): number {
  const [command, ...rest] = args;
  if (command !== 'generate') {
    io.err(KEYS_USAGE);
    return USAGE_ERROR;
  }
  const nameIndex = rest.indexOf('--name');
  const name = nameIndex === -1 ? 'ci' : rest[nameIndex + 1];
  if (name === undefined || !/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) {
    io.err(`--name must be 1-64 characters of A-Z, a-z, 0-9, '_', '.', '@' or '-'\n`);
    return USAGE_ERROR;
  }
  const key = generateApiKey();
  io.out(
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

/** `patchbay check-config <file>`: exit 0 only when the file is valid and every account answers its probe. */
async function checkConfigCommand(args: readonly string[], io: Io): Promise<number> {
  const [path, ...extra] = args;
  if (path === undefined || path.startsWith('-') || extra.length > 0) {
    io.err('Usage: patchbay check-config <file>\n');
    return USAGE_ERROR;
  }
  // Loaded on use: it brings the whole gateway, which `--help` and `keys` do not need.
  const { checkConfig, formatChecks } = await import('./check-config.js');
  try {
    const checks = await checkConfig(path, io.env);
    io.out(formatChecks(checks));
    const failing = checks.filter((check) => !check.ok).length;
    io.out(failing === 0 ? `\nconfig ok: ${checks.length} account(s), all healthy\n` : `\n${failing} of ${checks.length} account(s) not healthy\n`);
    return failing === 0 ? 0 : 1;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return 1;
  }
}

/** `patchbay migrate`: exit 0 once the schema is current, 1 when the store cannot be migrated. */
async function migrateCommand(args: readonly string[], io: Io): Promise<number> {
  if (args.length > 0) {
    io.err('patchbay migrate takes no arguments: it migrates the store named by PATCHBAY_DATABASE_URL (or PATCHBAY_DATA_DIR)\n');
    return USAGE_ERROR;
  }
  const { runMigrations } = await import('./migrate-command.js');
  try {
    const report = await runMigrations(io.env);
    io.out(`${report.applied.length === 0 ? 'schema already current' : `applied migration(s) ${report.applied.join(', ')}`}: ${report.store} store at schema version ${report.current}\n`);
    return 0;
  } catch (error) {
    const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
    // A driver's message may quote the connection string: only its code, unless it is our own.
    const why =
      error instanceof ConfigError || (error instanceof Error && error.name === 'DataDirLockedError')
        ? error.message
        : `${error instanceof Error ? error.name : 'error'}${typeof code === 'string' ? ` (${code})` : ''}`;
    io.err(`patchbay migrate failed: ${why}\n`);
    return 1;
  }
}

/**
 * Runs one command line. Resolves with the exit code for commands that end, or with null for
 * those that keep running (`serve`, `simulators`), whose entry files own the process from then on.
 */
export async function runCli(argv: readonly string[], io: Io): Promise<number | null> {
  const [command, ...args] = argv;
  switch (command) {
    case '-h':
    case '--help':
    case 'help':
      io.out(USAGE);
      return 0;
    case '-v':
    case '--version':
    case 'version':
      io.out(`patchbay ${packageVersion()}\n`);
      return 0;
    case 'serve':
      if (args.length > 0) {
        io.err('patchbay serve takes no arguments: configure it through the environment (PATCHBAY_CONFIG, PORT, HOST, ...)\n');
        return USAGE_ERROR;
      }
      await import('./main.js');
      return null;
    case 'simulators':
      // The simulators' entry reads `--port-base` and `--bench` from the process's arguments itself.
      await import('../simulators/cli.js');
      return null;
    case 'check-config':
      return checkConfigCommand(args, io);
    case 'keys':
      return keys(args, io);
    case 'migrate':
      return migrateCommand(args, io);
    default:
      break;
  }
  io.err(command === undefined ? USAGE : `patchbay: unknown command "${command}"\n\n${USAGE}`);
  return USAGE_ERROR;
}

runCli(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), env: process.env }).then(
  (code) => {
    if (code !== null) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`patchbay: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

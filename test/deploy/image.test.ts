import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authConfigProblem } from '../../src/core/auth/config.js';
import { parseConfigText } from '../../src/server/config.js';
import { COMPOSE_DIR, kubernetesManifests, literalSecrets, readYaml, referencedVariables } from './support.js';

/*
 * Issue 11 point 6, the image: the Dockerfile's properties, read from the file (no Docker daemon
 * or registry is needed): multi-stage, non-root, a health check on the gateway's own endpoint,
 * HOST=0.0.0.0, the exposed port the one it listens on, no secret baked in; the runtime stage
 * needs only production dependencies; and the Compose file runs it on PostgreSQL.
 */

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile as instructions: comments dropped, `\` continuations joined. */
function dockerfile(path = 'Dockerfile'): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (pending === '' && /^\s*#/.test(line)) continue;
    if (line.trimEnd().endsWith('\\')) {
      pending += `${line.trimEnd().slice(0, -1)} `;
      continue;
    }
    const whole = `${pending}${line}`.trim();
    pending = '';
    if (whole !== '') logical.push(whole);
  }
  return logical.map((text) => {
    const [keyword = '', ...rest] = text.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** The instructions of each stage, by stage name (`FROM … AS name`). */
function stages(instructions: readonly Instruction[]): Map<string, Instruction[]> {
  const byStage = new Map<string, Instruction[]>();
  let current: Instruction[] | null = null;
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const name = /\bAS\s+(\S+)$/i.exec(instruction.args)?.[1] ?? `stage${byStage.size}`;
      current = [];
      byStage.set(name, current);
    } else {
      current?.push(instruction);
    }
  }
  return byStage;
}

/** `ENV A=1 B=2` as a map (the key=value form only, which the Dockerfile uses). */
function envOf(instructions: readonly Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const { args } of instructions.filter((instruction) => instruction.keyword === 'ENV')) {
    for (const [, key = '', value = ''] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) env.set(key, value);
  }
  return env;
}

const instructions = dockerfile();
const byStage = stages(instructions);
const runtime = [...byStage.values()].at(-1) ?? [];
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|DATABASE_URL/i;

describe('Dockerfile', () => {
  it('builds in one stage and runs from another that holds dist/ and production dependencies only', () => {
    expect(byStage.size).toBeGreaterThanOrEqual(2);
    const build = byStage.get('build') ?? [];
    expect(build.map((i) => `${i.keyword} ${i.args}`)).toEqual(expect.arrayContaining([expect.stringMatching(/^RUN npm ci\b/), expect.stringMatching(/^RUN npm run build\b/)]));
    const deps = byStage.get('deps') ?? [];
    expect(deps.some((i) => i.keyword === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args))).toBe(true);
    const copies = runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual(expect.arrayContaining(['--from=build /app/dist ./dist', '--from=deps /app/node_modules ./node_modules']));
    // Nothing from the build context but the manifest and the launcher: no sources, no config, no .env.
    expect(copies.filter((args) => !args.startsWith('--from=')).sort()).toEqual(['bin ./bin', 'package.json ./']);
  });

  it('runs as a non-root user', () => {
    const users = runtime.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('listens on 0.0.0.0 at the port it exposes, which is the port the Kubernetes pod declares', () => {
    const env = envOf(runtime);
    expect(env.get('HOST')).toBe('0.0.0.0');
    const exposed = runtime.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args);
    expect(exposed).toEqual([env.get('PORT')]);
    const deployment = kubernetesManifests().find((manifest) => manifest.doc['kind'] === 'Deployment');
    expect(JSON.stringify(deployment?.doc)).toContain(`"containerPort":${env.get('PORT')}`);
  });

  it('checks its health on /healthz or /readyz at the port it listens on', () => {
    const healthcheck = runtime.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]?.args).toMatch(/\bCMD\b/);
    expect(healthcheck[0]?.args).toMatch(/\/(healthz|readyz)\b/);
    expect(healthcheck[0]?.args).toContain('process.env.PORT');
  });

  it('bakes no secret in: no credential-like ENV or ARG, nothing copied but the build outputs', () => {
    const declared = [...envOf(instructions).keys(), ...instructions.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=')[0] ?? '')];
    expect(declared.filter((name) => SECRET_NAME.test(name))).toEqual([]);
    const copied = instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD').map((i) => i.args);
    expect(copied.filter((args) => /\.env\b|\.ya?ml\b|\.pem\b|\.key\b|\bdeploy\b/.test(args))).toEqual([]);
  });

  it('starts the gateway with the patchbay command, which runs dist/ (the build’s outDir) under node', () => {
    expect(runtime.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["node", "bin/patchbay.mjs"]');
    expect(runtime.find((i) => i.keyword === 'CMD')?.args).toBe('["serve"]');
    const build = JSON.parse(readFileSync('tsconfig.build.json', 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { compilerOptions: { outDir: string; rootDir: string } };
    expect(build.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.' });
    expect(readFileSync('bin/patchbay.mjs', 'utf8')).toContain("'dist/src/server/cli.js'");
  });

  it('.dockerignore keeps credentials, local state and build output out of the context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', '.patchbay', '.env', '.env.*', 'deploy']));
  });
});

/** Files of a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the runtime image’s dependencies', () => {
  it('the code the image runs (src, schema, resolvers) imports only production dependencies and Node built-ins', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    const packageOf = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier));
    for (const file of ['src', 'schema', 'resolvers'].flatMap(filesUnder).filter((path) => path.endsWith('.ts'))) {
      const text = readFileSync(file, 'utf8');
      // Value imports, static and dynamic: `import type` is erased by the compiler.
      const statics = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'/g)].map((match) => match[1] ?? '');
      const dynamics = [...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((match) => match[1] ?? '');
      for (const specifier of [...statics, ...dynamics]) {
        if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
        if (!(packageOf(specifier) in manifest.dependencies)) missing.add(`${packageOf(specifier)} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});

describe('deploy/compose', () => {
  interface ComposeService {
    image?: string;
    build?: { context: string; dockerfile: string };
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
    volumes?: string[];
    command?: string[];
  }
  const compose = readYaml(join(COMPOSE_DIR, 'compose.yaml')) as { services: Record<string, ComposeService> };
  const gateway = compose.services['patchbay'];
  const postgres = compose.services['postgres'];

  it('runs the image on PostgreSQL, started once the database is healthy', () => {
    expect(gateway?.build).toEqual({ context: '../..', dockerfile: 'Dockerfile' });
    expect(postgres?.image).toMatch(/^postgres:/);
    expect(postgres?.healthcheck?.test).toContain('pg_isready');
    expect(gateway?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(gateway?.environment?.['PATCHBAY_DATABASE_URL']).toMatch(/^postgres:\/\/patchbay:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/patchbay$/);
    expect(gateway?.command).toEqual(['serve']);
  });

  it('takes every credential from the environment, and mounts a config file that passes Patchbay’s validation', () => {
    for (const service of [gateway, postgres]) {
      for (const [name, value] of Object.entries(service?.environment ?? {})) {
        if (SECRET_NAME.test(name)) expect(value, name).toMatch(/\$\{[A-Z0-9_]+(:\?[^}]*)?\}/);
      }
    }
    const mount = gateway?.volumes?.find((volume) => volume.endsWith(':/etc/patchbay/patchbay.yaml:ro'));
    expect(mount).toBe('./patchbay.yaml:/etc/patchbay/patchbay.yaml:ro');
    expect(gateway?.environment?.['PATCHBAY_CONFIG']).toBe('/etc/patchbay/patchbay.yaml');
    const text = readFileSync(join(COMPOSE_DIR, 'patchbay.yaml'), 'utf8');
    // Each ${VAR} of the file reaches the container: Compose passes it from .env.
    const passed = Object.keys(gateway?.environment ?? {});
    expect(referencedVariables(text).filter((name) => !passed.includes(name))).toEqual([]);
    const example = readFileSync(join(COMPOSE_DIR, '.env.example'), 'utf8');
    for (const name of referencedVariables(text)) expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
    const env = Object.fromEntries(referencedVariables(text).map((name) => [name, `placeholder-value-for-${name.toLowerCase()}-000000`]));
    const config = parseConfigText(text, 'yaml', env);
    expect(authConfigProblem(config.auth)).toBeNull();
    expect(literalSecrets(text)).toEqual([]);
    // Fingerprints are required, and the key reaches the container from .env.
    expect(config.gateway.secretFingerprints).toBe(true);
    expect(gateway?.environment?.['PATCHBAY_SECRET_KEY']).toMatch(/^\$\{PATCHBAY_SECRET_KEY:\?/);
    expect(example).toMatch(/^PATCHBAY_SECRET_KEY=$/m);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';

/** A gateway started as its own process, the way `npm start` starts it. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  readonly output: () => string;
  /** Its GraphQL URL once it says it is ready; rejects when it exits first. */
  readonly url: Promise<string>;
  readonly exit: Promise<number | null>;
}

/**
 * Starts the gateway on an ephemeral 127.0.0.1 port, with `env` over the test's own, exactly as
 * `npm start` runs it (bin/start.mjs: bundled once into node_modules/.cache/patchbay/ and run as
 * JavaScript).
 */
export function startGatewayProcess(env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, ['bin/start.mjs'], {
    cwd: process.cwd(),
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /is ready: open (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`gateway exited before it was ready:\n${output}`)));
  });
  // Callers that only wait for the exit must not see an unhandled rejection.
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, url, exit };
}

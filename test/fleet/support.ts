import { writeFile } from 'node:fs/promises';

/**
 * Writes a config file with one open (`auth.mode: none`) Chronosphere account `cs` on a simulator,
 * and the given lines under `gateway:` (already indented), as a fleet test's gateway process reads it.
 */
export async function writeChronosphereConfig(path: string, baseUrl: string, apiToken: string, gatewayLines: readonly string[]): Promise<string> {
  const lines = ['accounts:', '  - id: cs', '    vendor: chronosphere', `    baseUrl: ${baseUrl}`, `    apiToken: ${apiToken}`, 'auth:', '  mode: none'];
  if (gatewayLines.length > 0) lines.push('gateway:', ...gatewayLines);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** The answer of a GraphQL POST, typed by the caller (the shape its query asks for). */
export type GraphQLAnswer<D = Record<string, { __typename: string } & Record<string, unknown>>> = { readonly data?: D; readonly errors?: unknown[] };

/** POSTs `query` to a gateway process, bounded so that a hung replica fails the test instead of holding it. */
export async function gql<D = Record<string, { __typename: string } & Record<string, unknown>>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  timeoutMs = 20_000,
): Promise<GraphQLAnswer<D>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(timeoutMs) });
  return (await response.json()) as GraphQLAnswer<D>;
}

/** Waits until `condition` holds, checking every 10 ms, and fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

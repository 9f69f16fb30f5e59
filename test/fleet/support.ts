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

import { readFile } from 'node:fs/promises';

/** The block of README.md under "## A first query": what a newcomer is told to run first. */
export async function readmeFirstQuery(): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('A first query'));
  const block = section && /```graphql\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no graphql block under "## A first query"');
  return block;
}

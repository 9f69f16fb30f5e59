import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { VENDORS } from '../../src/vendors/index.js';

/** The Kubernetes manifests under deploy/kubernetes, one entry per YAML document. */
export interface Manifest {
  readonly file: string;
  readonly doc: Record<string, unknown>;
}

export const KUBE_DIR = 'deploy/kubernetes';
export const COMPOSE_DIR = 'deploy/compose';

/** Every document of every manifest file but kustomization.yaml (not a Kubernetes API object). */
export function kubernetesManifests(): Manifest[] {
  const files = readdirSync(KUBE_DIR).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(join(KUBE_DIR, file), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
      return { file, doc: document.toJS() as Record<string, unknown> };
    }),
  );
}

export function readYaml(path: string): unknown {
  return parse(readFileSync(path, 'utf8'));
}

/** The `${VAR}` names a config text refers to (`$${` is a literal, not a reference). */
export function referencedVariables(text: string): string[] {
  return [...text.replaceAll('$${', '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1] ?? '');
}

/**
 * Where a config file (as written, before substitution) holds a credential literally: each
 * account's secret fields (by its vendor's `secretFields`) and each API key must be a `${VAR}`.
 */
export function literalSecrets(configText: string): string[] {
  const raw = parse(configText) as { accounts?: Array<Record<string, unknown>>; auth?: { apiKeys?: Array<Record<string, unknown>> } };
  const isReference = (value: unknown) => typeof value === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value);
  const found: string[] = [];
  for (const [index, account] of (raw.accounts ?? []).entries()) {
    const vendor = VENDORS.find((candidate) => candidate.id === account['vendor']);
    if (!vendor) throw new Error(`accounts[${index}] names no registered vendor`);
    for (const field of vendor.account.secretFields) {
      if (field in account && !isReference(account[field])) found.push(`accounts[${index}].${field}`);
    }
  }
  for (const [index, key] of (raw.auth?.apiKeys ?? []).entries()) {
    if ('key' in key && !isReference(key['key'])) found.push(`auth.apiKeys[${index}].key`);
  }
  return found;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret, type ISecret } from 'kubernetes-models/v1/Secret';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { authConfigProblem } from '../../src/core/auth/config.js';
import { parseConfigText } from '../../src/server/config.js';
import { KUBE_DIR, kubernetesManifests, literalSecrets, type Manifest, referencedVariables } from './support.js';

/*
 * Issue 11 point 6: the Kubernetes manifests are valid against the Kubernetes API's schemas (the
 * `kubernetes-models` validators, offline), fit together (selectors, ports, probes, the config
 * file and the Secret), and the ConfigMap's config file passes Patchbay's own validation.
 */

/** A manifest's validator by `apiVersion/kind`; a kind without one fails the test rather than going unchecked. */
const VALIDATORS: Record<string, (doc: unknown) => void> = {
  'v1/ConfigMap': (doc) => new ConfigMap(doc as IConfigMap).validate(),
  'v1/Secret': (doc) => new Secret(doc as ISecret).validate(),
  'v1/Service': (doc) => new Service(doc as IService).validate(),
  'apps/v1/Deployment': (doc) => new Deployment(doc as IDeployment).validate(),
  'policy/v1/PodDisruptionBudget': (doc) => new PodDisruptionBudget(doc as IPodDisruptionBudget).validate(),
  'autoscaling/v2/HorizontalPodAutoscaler': (doc) => new HorizontalPodAutoscaler(doc as IHorizontalPodAutoscaler).validate(),
};

const typeOf = (doc: Record<string, unknown>) => `${String(doc['apiVersion'])}/${String(doc['kind'])}`;

const manifests = kubernetesManifests();

/** The one manifest of a kind, typed by its model's interface (the schema check above vouches for the shape). */
function only<T>(kind: string): T {
  const found = manifests.filter((manifest) => manifest.doc['kind'] === kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return (found[0] as Manifest).doc as T;
}

const deployment = only<IDeployment>('Deployment');
const service = only<IService>('Service');
const pdb = only<IPodDisruptionBudget>('PodDisruptionBudget');
const hpa = only<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
const configMap = only<IConfigMap>('ConfigMap');
const secret = only<ISecret>('Secret');
const pod = deployment.spec?.template.spec;
const container = pod?.containers.find((candidate) => candidate.name === 'patchbay');
const podLabels = deployment.spec?.template.metadata?.labels ?? {};

/** Whether every label of a selector is on the pods. */
const selects = (selector: Record<string, string> | undefined) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => podLabels[key] === value);

describe('deploy/kubernetes', () => {
  it('has the objects a deployment needs, each valid against the Kubernetes schemas', () => {
    expect(manifests.map((manifest) => typeOf(manifest.doc)).sort()).toEqual(Object.keys(VALIDATORS).sort());
    for (const { file, doc } of manifests) {
      const validate = VALIDATORS[typeOf(doc)];
      if (!validate) throw new Error(`${file}: no validator for ${typeOf(doc)}`);
      expect(() => validate(doc), file).not.toThrow();
    }
  });

  it('the validators do refuse a manifest that breaks the schema', () => {
    const broken = structuredClone(deployment) as unknown as Record<string, unknown>;
    (broken['spec'] as Record<string, unknown>)['replicas'] = 'two';
    expect(() => VALIDATORS['apps/v1/Deployment']?.(broken)).toThrow(/replicas/);
    const noSelector = structuredClone(pdb) as unknown as { spec: Record<string, unknown> };
    noSelector.spec['minAvailable'] = { not: 'an int or string' };
    expect(() => VALIDATORS['policy/v1/PodDisruptionBudget']?.(noSelector as unknown as Record<string, unknown>)).toThrow();
  });

  it('kustomization.yaml lists every manifest file', () => {
    const kustomization = parse(readFileSync(join(KUBE_DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...new Set(manifests.map((manifest) => manifest.file))].sort());
  });

  it('the Deployment probes /healthz (liveness, startup) and /readyz (readiness) on the served port, with resource requests', () => {
    expect(container).toBeDefined();
    expect(deployment.spec?.selector.matchLabels && selects(deployment.spec.selector.matchLabels)).toBe(true);
    const port = container?.ports?.find((candidate) => candidate.name === 'http');
    expect(port?.containerPort).toBe(4000);
    expect(container?.env).toEqual(
      expect.arrayContaining([
        { name: 'PORT', value: String(port?.containerPort) },
        { name: 'HOST', value: '0.0.0.0' },
      ]),
    );
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container?.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container?.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container?.resources?.limits?.['memory']).toBeDefined();
    // The gateway waits up to 10 s for in-flight requests after SIGTERM, after the preStop pause.
    expect(pod?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(20);
  });

  it('runs as the image’s unprivileged user, read-only, without privileges', () => {
    expect(pod?.securityContext?.runAsNonRoot).toBe(true);
    expect(pod?.securityContext?.runAsUser).not.toBe(0);
    expect(container?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  it('the Service, PodDisruptionBudget and HorizontalPodAutoscaler point at the Deployment’s pods', () => {
    expect(selects(service.spec?.selector)).toBe(true);
    expect(service.spec?.ports?.[0]?.targetPort).toBe('http');
    expect(selects(pdb.spec?.selector?.matchLabels)).toBe(true);
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata?.name });
    // A drain may take one pod while the PDB still has one serving.
    expect(hpa.spec?.minReplicas).toBeGreaterThan(Number(pdb.spec?.minAvailable));
    expect(deployment.spec?.replicas).toBe(hpa.spec?.minReplicas);
  });

  it('mounts the ConfigMap’s config file where PATCHBAY_CONFIG says, and takes credentials from the Secret', () => {
    const volume = pod?.volumes?.find((candidate) => candidate.configMap?.name === configMap.metadata?.name);
    const mount = container?.volumeMounts?.find((candidate) => candidate.name === volume?.name);
    const item = volume?.configMap?.items?.find((candidate) => candidate.key === 'patchbay.yaml');
    expect(mount?.readOnly).toBe(true);
    expect(container?.env).toContainEqual({ name: 'PATCHBAY_CONFIG', value: `${mount?.mountPath}/${item?.path}` });
    expect(container?.envFrom).toContainEqual({ secretRef: { name: secret.metadata?.name } });
    // Replicas share a PostgreSQL server: the embedded store is one process's only.
    expect(Object.keys(secret.stringData ?? {})).toContain('PATCHBAY_DATABASE_URL');
    // Fingerprints are required, and the Secret holds the deployment key every replica shares.
    expect(Object.keys(secret.stringData ?? {})).toContain('PATCHBAY_SECRET_KEY');
    expect(secret.stringData?.['PATCHBAY_SECRET_KEY']?.length).toBeGreaterThanOrEqual(32);
    expect(parseConfigText(configMap.data?.['patchbay.yaml'] ?? '', 'yaml', { ...secret.stringData }).gateway.secretFingerprints).toBe(true);
  });

  it('the ConfigMap’s config file passes Patchbay’s validation with the Secret’s variables, and holds no credential itself', () => {
    const text = configMap.data?.['patchbay.yaml'] ?? '';
    const env = { ...secret.stringData };
    // Every ${VAR} the file names is in the Secret the pod reads its environment from.
    expect(referencedVariables(text).filter((name) => !(name in env))).toEqual([]);
    const config = parseConfigText(text, 'yaml', env);
    expect(config.accounts.length).toBeGreaterThan(0);
    expect(authConfigProblem(config.auth)).toBeNull();
    expect(config.auth.mode).toBe('required');
    expect(literalSecrets(text)).toEqual([]);
    // Without the Secret's variables the gateway would refuse to start.
    expect(() => parseConfigText(text, 'yaml', {})).toThrow(/is not set/);
  });
});

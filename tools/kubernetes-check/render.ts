import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** Just the fields of rendered objects that the checks read; the rest is validated by schema. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * Renders a kustomization with `kubectl kustomize` (current kubectl, or Debian's
 * kubernetes-client that .ci/run installs when no kubectl is on the PATH).
 */
export function kustomize(dir: string): K8sObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.error) throw new Error(`kubectl could not be run (apt-get install kubernetes-client): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The kubernetes-models class of an object's apiVersion and kind, or undefined for a kind it lacks. */
export function modelOf(object: K8sObject): (new (data: unknown) => { validate(): void }) | undefined {
  const path = `kubernetes-models/${object.apiVersion}/${object.kind}`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path) as Record<string, new (data: unknown) => { validate(): void }>)[object.kind];
  } catch {
    return undefined; // reported by the caller as "no schema for this kind"
  }
}

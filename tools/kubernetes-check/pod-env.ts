import { K8sObject } from './render';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: EnvVar[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
export interface Deployment extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: Container[]; initContainers?: Container[] };
    };
  };
}

/** Where one variable of a container comes from. */
export type EnvSource =
  | { kind: 'value'; value: string }
  | { kind: 'field'; fieldPath: string }
  | { kind: 'secret'; name: string; key: string }
  | { kind: 'configMap'; name: string; key: string; value: string | undefined };

/**
 * The variables a container gets and where each comes from, as Kubernetes resolves them:
 * `envFrom` maps in order, then `env` entries, each later one winning.
 */
export function containerEnv(container: Container, objects: readonly K8sObject[]): Map<string, EnvSource> {
  const env = new Map<string, EnvSource>();
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef!.name) as (K8sObject & { data?: Record<string, string> }) | undefined;
      if (!map) throw new Error(`${container.name}: envFrom names ConfigMap ${from.configMapRef.name}, which is not rendered`);
      for (const [key, value] of Object.entries(map.data ?? {})) env.set(key, { kind: 'configMap', name: map.metadata.name, key, value });
    }
    if (from.secretRef) throw new Error(`${container.name}: envFrom a whole Secret hides which keys an app needs; name each key with secretKeyRef`);
  }
  for (const { name, value, valueFrom } of container.env ?? []) {
    if (valueFrom?.fieldRef) env.set(name, { kind: 'field', fieldPath: valueFrom.fieldRef.fieldPath });
    else if (valueFrom?.secretKeyRef) env.set(name, { kind: 'secret', ...valueFrom.secretKeyRef });
    else if (valueFrom?.configMapKeyRef) {
      const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === valueFrom.configMapKeyRef!.name) as (K8sObject & { data?: Record<string, string> }) | undefined;
      env.set(name, { kind: 'configMap', ...valueFrom.configMapKeyRef, value: map?.data?.[valueFrom.configMapKeyRef.key] });
    } else env.set(name, { kind: 'value', value: value ?? '' });
  }
  return env;
}

import type { Sample } from '../state/cluster-state';

const WIDTH = 120;
const HEIGHT = 28;

/** A small line chart of one value over the last minutes; labelled with its range for screen readers. */
export function Sparkline({ samples, value, label }: { samples: readonly Sample[]; value: (s: Sample) => number; label: string }) {
  if (samples.length < 2) return <span className="sparkline-empty">collecting…</span>;
  const values = samples.map(value);
  const max = Math.max(1, ...values);
  const first = samples[0].at;
  const span = Math.max(1, samples[samples.length - 1].at - first);
  const points = samples.map((s, i) => `${(((s.at - first) / span) * WIDTH).toFixed(1)},${(HEIGHT - 2 - (values[i] / max) * (HEIGHT - 4)).toFixed(1)}`);
  const summary = `${label} over the last ${Math.round(span / 1000)} s: now ${Math.round(values[values.length - 1])}, peak ${Math.round(max)}`;
  return (
    <svg className="sparkline" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
      <title>{summary}</title>
      <polyline points={points.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

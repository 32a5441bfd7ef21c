/** Pure formatting for the screens: numbers, rates, durations, ages. */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : integer.format(n);
}

export function formatRate(eventsPerSecond: number | null | undefined): string {
  return eventsPerSecond === null || eventsPerSecond === undefined ? '—' : `${formatCount(eventsPerSecond)} ev/s`;
}

/** 850 ms, 4.2 s, 3 min 05 s, 2 h 10 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(totalSeconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** How long ago, for heartbeats: "0.8 s ago". */
export function formatAge(isoTime: string | null | undefined, now: number): string {
  if (!isoTime) return '—';
  const at = Date.parse(isoTime);
  return Number.isNaN(at) ? '—' : `${formatDuration(Math.max(0, now - at))} ago`;
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** 0–100, or undefined while the total is unknown. */
export function percent(processed: number, total: number): number | undefined {
  if (!(total > 0)) return undefined;
  return Math.min(100, Math.max(0, Math.floor((processed / total) * 100)));
}

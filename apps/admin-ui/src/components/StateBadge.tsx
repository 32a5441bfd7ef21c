/**
 * A state a user must not miss, shown by colour, a symbol and a word (never colour alone).
 */
const TONES: Record<string, { tone: string; symbol: string }> = {
  running: { tone: 'ok', symbol: '●' },
  up: { tone: 'ok', symbol: '●' },
  Completed: { tone: 'ok', symbol: '✓' },
  rebuilding: { tone: 'busy', symbol: '↻' },
  Requested: { tone: 'busy', symbol: '…' },
  Stopping: { tone: 'busy', symbol: '↻' },
  Rebuilding: { tone: 'busy', symbol: '↻' },
  Restarting: { tone: 'busy', symbol: '↻' },
  Building: { tone: 'busy', symbol: '↻' },
  CatchingUp: { tone: 'busy', symbol: '↻' },
  Switching: { tone: 'busy', symbol: '⇄' },
  paused: { tone: 'warn', symbol: '❚❚' },
  late: { tone: 'warn', symbol: '!' },
  starting: { tone: 'busy', symbol: '…' },
  failing: { tone: 'bad', symbol: '!' },
  Cancelled: { tone: 'muted', symbol: '✕' },
  stopped: { tone: 'muted', symbol: '■' },
  error: { tone: 'bad', symbol: '✖' },
  down: { tone: 'bad', symbol: '✖' },
  Failed: { tone: 'bad', symbol: '✖' },
};

export function StateBadge({ state }: { state: string }) {
  const { tone, symbol } = TONES[state] ?? { tone: 'muted', symbol: '○' };
  return (
    <span className={`badge badge-${tone}`} data-state={state}>
      <span aria-hidden="true">{symbol}</span> {state}
    </span>
  );
}

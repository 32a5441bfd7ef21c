import { FormEvent, useState } from 'react';
import { AdminApi, AdminApiError } from '../api/admin-api';
import { MAX_SEED_EVENTS, seedPlan, splitByGroup } from '../logic/seed-plan';

const CONCURRENCY = 4;

interface Outcome {
  readonly sent: number;
  readonly total: number;
  readonly failed: string | undefined;
  readonly done: boolean;
}

/** Demo data through the normal command endpoints: held by the write-guard like any client's writes. */
export function SeedScreen({ api }: { api: AdminApi }) {
  const [count, setCount] = useState('100');
  const [inputError, setInputError] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const running = outcome !== undefined && !outcome.done;

  const seed = async (event: FormEvent) => {
    event.preventDefault();
    const n = Number(count);
    let plan;
    try {
      plan = seedPlan(n, Date.now().toString(36));
    } catch (e) {
      return setInputError((e as Error).message);
    }
    setInputError(undefined);
    let sent = 0;
    let failed: string | undefined;
    setOutcome({ sent, total: plan.length, failed, done: false });
    const lanes = splitByGroup(plan, CONCURRENCY);
    await Promise.all(
      lanes.map(async (lane) => {
        for (const command of lane) {
          if (failed) return;
          try {
            await api.command(command.path, command.body);
            sent++;
          } catch (e) {
            failed ??= e instanceof AdminApiError && e.status === 503 ? `Writes are held (${e.message}); try again when the rebuild has ended.` : (e as Error).message;
          }
          setOutcome({ sent, total: plan.length, failed, done: false });
        }
      }),
    );
    setOutcome({ sent, total: plan.length, failed, done: true });
  };

  return (
    <section aria-labelledby="seed-title">
      <h2 id="seed-title">Seed data</h2>
      <p>Sends demo commands for the repository-tracking, car-dealership and hotel domains through the gateway's command endpoints (one event each), so the write-guard holds them like any client's writes. Hotel groups are selected and paid; the group checkout reactor merges their stays in the background (see Reactors).</p>
      <form onSubmit={seed} className="field-row" noValidate>
        <label htmlFor="seed-count">Events per domain</label>
        <input
          id="seed-count"
          type="number"
          min={1}
          max={MAX_SEED_EVENTS}
          value={count}
          onChange={(e) => setCount(e.target.value)}
          aria-invalid={inputError ? true : undefined}
          aria-describedby={inputError ? 'seed-error' : undefined}
        />
        <button type="submit" disabled={running}>
          {running ? 'Seeding…' : 'Seed'}
        </button>
      </form>
      {inputError && (
        <p id="seed-error" role="alert" className="form-error">
          {inputError}
        </p>
      )}
      {outcome && (
        <div role="status" data-testid="seed-outcome">
          <progress max={outcome.total} value={outcome.sent} aria-label="Seeding progress" /> {outcome.sent} of {outcome.total} events written
          {outcome.done && !outcome.failed ? ' — done.' : ''}
          {outcome.failed && <p className="form-error">Stopped: {outcome.failed}</p>}
        </div>
      )}
    </section>
  );
}

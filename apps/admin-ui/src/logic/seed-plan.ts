/**
 * Pure: the commands that seed demo data, about `eventsPerDomain` events for each sample domain
 * (repository tracking, the car dealership, the hotel group checkout). They are sent through
 * the normal command endpoints, so the write-guard holds them like any client's writes.
 */
export interface SeedCommand {
  readonly domain: 'repository' | 'dealership' | 'hotel';
  /** Commands of one group depend on each other (a sale needs its car and customer): send them in order. */
  readonly group: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export const MAX_SEED_EVENTS = 10_000;

const COLORS = ['red', 'blue', 'green', 'black', 'white', 'silver'];
const USERS = ['ann', 'bob', 'cem', 'dana', 'eli'];

/** Ids are unique per call (`tag`), so seeding twice adds data instead of failing on existing streams. */
export function seedPlan(eventsPerDomain: number, tag: string): SeedCommand[] {
  if (!Number.isInteger(eventsPerDomain) || eventsPerDomain < 1 || eventsPerDomain > MAX_SEED_EVENTS) {
    throw new RangeError(`events per domain must be a whole number from 1 to ${MAX_SEED_EVENTS}`);
  }
  return [...repository(eventsPerDomain, tag), ...dealership(eventsPerDomain, tag), ...hotel(eventsPerDomain, tag)];
}

function repository(n: number, tag: string): SeedCommand[] {
  const commands: SeedCommand[] = [];
  const perProject = 10; // ProjectStarted, then issues and commits
  for (let p = 0; commands.length < n; p++) {
    const id = `seed-${tag}-p${p}`;
    const group = id;
    commands.push({ domain: 'repository', group, path: '/api/projects', body: { id, name: `Project ${p}`, organization: 'demo' } });
    for (let i = 1; i < perProject && commands.length < n; i++) {
      if (i % 3 === 1) commands.push({ domain: 'repository', group, path: `/api/projects/${id}/issues`, body: { issueId: `i${i}`, title: `Issue ${i}` } });
      else commands.push({ domain: 'repository', group, path: `/api/projects/${id}/commits`, body: { userName: USERS[(p + i) % USERS.length], additions: 10 + i, deletions: i } });
    }
  }
  return commands;
}

function dealership(n: number, tag: string): SeedCommand[] {
  const commands: SeedCommand[] = [];
  // Per group: a customer, a car, a repaint, the sale, the customer renamed (so sold cars show the new name).
  for (let g = 0; commands.length < n; g++) {
    const customer = `seed-${tag}-cu${g}`;
    const car = `seed-${tag}-car${g}`;
    const steps: Omit<SeedCommand, 'domain' | 'group'>[] = [
      { path: '/api/customers', body: { id: customer, name: `Customer ${g}` } },
      { path: '/api/cars', body: { id: car, by: 'dealer', color: COLORS[g % COLORS.length] } },
      { path: `/api/cars/${car}/repaint`, body: { color: COLORS[(g + 1) % COLORS.length] } },
      { path: `/api/cars/${car}/sell`, body: { customerId: customer } },
      { path: `/api/customers/${customer}/rename`, body: { name: `Customer ${g} (renamed)` } },
    ];
    for (const step of steps) if (commands.length < n) commands.push({ domain: 'dealership', group: `dealership-${g}`, ...step });
  }
  return commands;
}

/**
 * Per group: stays checked in and charged, then a group checkout selecting them (the reactor
 * merges them in the background) and its payment of what they owe, so the group ends confirmed.
 * Every few groups one stay is checked out first, and shows among the group's failed stays.
 */
function hotel(n: number, tag: string): SeedCommand[] {
  const commands: SeedCommand[] = [];
  const staysPerGroup = 4;
  for (let g = 0; commands.length < n; g++) {
    const group = `seed-${tag}-g${g}`;
    const steps: Omit<SeedCommand, 'domain' | 'group'>[] = [];
    const stayIds: string[] = [];
    let owed = 0;
    for (let s = 0; s < staysPerGroup; s++) {
      const stay = `${group}-s${s}`;
      stayIds.push(stay);
      steps.push({ path: '/api/stays', body: { id: stay } });
      if (s === 0 && g % 3 === 2) {
        steps.push({ path: `/api/stays/${stay}/checkout`, body: {} });
        continue;
      }
      const amount = 80 + ((g * 7 + s * 13) % 120);
      owed += amount;
      steps.push({ path: `/api/stays/${stay}/charges`, body: { amount } });
    }
    steps.push({ path: '/api/group-checkouts', body: { id: group, stayIds } });
    steps.push({ path: `/api/group-checkouts/${group}/payments`, body: { amount: owed } });
    // A group's commands are only useful whole: a group cut short is left out.
    if (commands.length + steps.length > n && commands.length > 0) break;
    for (const step of steps) commands.push({ domain: 'hotel', group, ...step });
  }
  return commands;
}

/** Splits commands into `lanes` lists so that one group's commands stay in one list, in order. */
export function splitByGroup<T extends { group: string }>(commands: readonly T[], lanes: number): T[][] {
  const result: T[][] = Array.from({ length: Math.max(1, lanes) }, () => []);
  const laneOf = new Map<string, number>();
  for (const command of commands) {
    if (!laneOf.has(command.group)) laneOf.set(command.group, laneOf.size % result.length);
    result[laneOf.get(command.group)!].push(command);
  }
  return result.filter((lane) => lane.length > 0);
}

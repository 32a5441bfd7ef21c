import { waitFor } from '@projectionist/testing';
import { ElectionLock, LeaderElection } from './leader-election';

/** What happened, in order: the lock's calls and the hooks, as one journal. */
type Journal = string[];

/** A lock another node may hold; `lose()` plays a dropped lock connection. */
class FakeLock implements ElectionLock {
  heldElsewhere = false;
  /** The database cannot be reached: every attempt throws. */
  unreachable = false;
  held = false;
  private onLost: ((reason: string) => void) | undefined;

  constructor(private readonly journal: Journal) {}

  async tryAcquire(onLost: (reason: string) => void): Promise<boolean> {
    if (this.unreachable) throw new Error('connection refused');
    if (this.heldElsewhere || this.held) return false;
    this.journal.push('acquired');
    this.held = true;
    this.onLost = onLost;
    return true;
  }

  async check(): Promise<void> {
    this.journal.push('checked');
  }

  async release(): Promise<void> {
    this.journal.push('released');
    this.held = false;
    this.onLost = undefined;
  }

  lose(reason: string): void {
    this.journal.push('lost');
    this.held = false;
    const onLost = this.onLost;
    this.onLost = undefined;
    onLost?.(reason);
  }
}

/** A hook that waits until the test opens it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const silent = { warn: () => undefined };
const RETRY = { retryMinMs: 5, retryMaxMs: 10, checkMs: 5 };

describe('LeaderElection', () => {
  let journal: Journal;
  let lock: FakeLock;
  let election: LeaderElection;
  /** What onElected does next; by default it returns at once. */
  let elected: () => Promise<void>;
  let demoted: () => Promise<void>;

  beforeEach(() => {
    journal = [];
    lock = new FakeLock(journal);
    elected = async () => undefined;
    demoted = async () => undefined;
    election = new LeaderElection({
      lock,
      name: 'test',
      logger: silent,
      ...RETRY,
      onElected: async () => {
        journal.push('elected');
        await elected();
        journal.push('started');
      },
      onDemoted: async (reason) => {
        journal.push(`demoted: ${reason}`);
        await demoted();
        journal.push('stepped down');
      },
    });
  });
  afterEach(() => election.stop());

  const givenLeader = async () => {
    election.start();
    await waitFor('leader', () => election.role === 'leader');
  };
  const acquisitions = () => journal.filter((e) => e === 'acquired').length;
  /** Several retry intervals: long enough for a standby to have tried the lock again. */
  const severalRetries = () => new Promise((resolve) => setTimeout(resolve, 60));

  it('leads once onElected has returned, and checks its lock while leading', async () => {
    const starting = gate();
    elected = () => starting.opened;
    election.start();
    await waitFor('starting', () => election.role === 'starting');

    starting.open();
    await waitFor('leader', () => election.role === 'leader');
    await waitFor('the lock checked', () => journal.includes('checked'));
    expect(journal.slice(0, 3)).toEqual(['acquired', 'elected', 'started']);
  });

  it('stands by while another node holds the lock, and leads once it is free', async () => {
    lock.heldElsewhere = true;
    election.start();
    await severalRetries();
    expect(election.role).toBe('standby');

    lock.heldElsewhere = false;
    await waitFor('leader', () => election.role === 'leader');
  });

  it('steps down when the lock is lost while leading, and leads again after', async () => {
    await givenLeader();
    lock.lose('lock connection ended');
    expect(election.role).toBe('standby');

    await waitFor('leader again', () => election.role === 'leader' && acquisitions() === 2);
    expect(journal.filter((e) => !['checked'].includes(e))).toEqual([
      'acquired', 'elected', 'started',
      'lost', 'demoted: lock connection ended', 'stepped down', 'released',
      'acquired', 'elected', 'started',
    ]);
  });

  it('lets a start lost midway finish before stepping down, and does not lead meanwhile', async () => {
    const starting = gate();
    elected = () => starting.opened;
    election.start();
    await waitFor('starting', () => election.role === 'starting');

    lock.lose('lock connection ended');
    expect(election.role).toBe('standby');
    await severalRetries();
    expect(journal).toEqual(['acquired', 'elected', 'lost']);

    elected = async () => undefined;
    starting.open();
    await waitFor('leader again', () => election.role === 'leader');
    expect(journal.slice(0, 8)).toEqual(['acquired', 'elected', 'lost', 'started', 'demoted: lock connection ended', 'stepped down', 'released', 'acquired']);
  });

  it('waits for a stop during the start, then steps down and releases the lock', async () => {
    const starting = gate();
    elected = () => starting.opened;
    election.start();
    await waitFor('starting', () => election.role === 'starting');

    let stopped = false;
    const stopping = election.stop().then(() => (stopped = true));
    await severalRetries();
    expect(stopped).toBe(false);

    starting.open();
    await stopping;
    expect(election.role).toBe('stopped');
    expect(journal).toEqual(['acquired', 'elected', 'started', 'demoted: stopping', 'stepped down', 'released']);
    expect(lock.held).toBe(false);
  });

  it('finishes stepping down before it tries the lock again', async () => {
    await givenLeader();
    const stepping = gate();
    demoted = () => stepping.opened;

    election.stepDown('a projection lease was taken over');
    expect(election.role).toBe('standby');
    await severalRetries();
    expect(acquisitions()).toBe(1);
    expect(lock.held).toBe(true);

    stepping.open();
    await waitFor('leader again', () => election.role === 'leader');
    const afterStepDown = journal.slice(journal.indexOf('demoted: a projection lease was taken over'));
    expect(afterStepDown.slice(0, 4)).toEqual(['demoted: a projection lease was taken over', 'stepped down', 'released', 'acquired']);
  });

  it('gives the lock back when onElected throws, undoes the start and stands by again', async () => {
    let attempts = 0;
    elected = async () => {
      if (++attempts === 1) throw new Error('the database is restarting');
    };
    election.start();
    await waitFor('leader on the second attempt', () => election.role === 'leader');
    expect(journal.slice(0, 5)).toEqual(['acquired', 'elected', 'demoted: could not start: the database is restarting', 'stepped down', 'released']);
    expect(acquisitions()).toBe(2);
  });

  it('steps down and releases on stop while leading; a standby only releases', async () => {
    await givenLeader();
    await election.stop();
    expect(journal.slice(-3)).toEqual(['demoted: stopping', 'stepped down', 'released']);
    expect(lock.held).toBe(false);

    // Stopped: it tries the lock no more and a late step-down changes nothing.
    election.stepDown('late');
    await severalRetries();
    expect(acquisitions()).toBe(1);
    expect(election.role).toBe('stopped');
  });

  it('runs whileLeading after each check, staying leader when it fails', async () => {
    const warnings: unknown[] = [];
    let runs = 0;
    const supervising = new LeaderElection({
      lock: new FakeLock([]),
      name: 'supervisor',
      logger: { warn: (message) => warnings.push(message) },
      ...RETRY,
      onElected: async () => undefined,
      onDemoted: async () => undefined,
      whileLeading: async () => {
        if (++runs === 1) throw new Error('the broker is down');
      },
    });
    supervising.start();
    try {
      await waitFor('supervised again after a failure', () => runs >= 3);
      expect(supervising.role).toBe('leader');
      expect(warnings).toEqual(['supervisor tick failed: the broker is down']);
    } finally {
      await supervising.stop();
    }
  });

  it('logs a failed lock attempt and keeps trying', async () => {
    const warnings: unknown[] = [];
    const unreachable = new FakeLock([]);
    unreachable.unreachable = true;
    const trying = new LeaderElection({ lock: unreachable, name: 'daemon', logger: { warn: (m) => warnings.push(m) }, ...RETRY, onElected: async () => undefined, onDemoted: async () => undefined });
    trying.start();
    try {
      await waitFor('two failed attempts', () => warnings.length >= 2);
      expect(warnings[0]).toBe('daemon lock attempt failed: connection refused');

      unreachable.unreachable = false;
      await waitFor('leader once it is reachable', () => trying.role === 'leader');
    } finally {
      await trying.stop();
    }
  });

  it('ignores a step-down while standing by', async () => {
    lock.heldElsewhere = true;
    election.start();
    election.stepDown('not leading');
    await election.stop();
    expect(journal).toEqual(['released']);
  });
});

import { InMemoryEventStore } from '@projectionist/event-store';
import { Projection, ProjectionRegistrationError, sampleProjections } from '@projectionist/projections';
import { Pool } from 'pg';
import { ProjectionDaemonModule } from '../nest/projection-daemon.module';
import { ProjectionDaemon } from './projection-daemon';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const named = (name: string): Projection => ({ ...sampleProjections[0], name }) as Projection;

/** A bad set of projections must stop the worker at start, before any table is touched. */
describe('registering projections with the daemon', () => {
  // Never connects: the daemon only connects when started.
  const pool = new Pool({ max: 1 });
  afterAll(() => pool.end());
  const daemonWith = (projections: Projection[]) =>
    new ProjectionDaemon({ pool, store: new InMemoryEventStore(), namespace: 'ns', nodeId: 'n', projections, logger: silent });

  it('refuses two projections that share a table, naming both', () => {
    expect(() => daemonWith([named('CarView'), named('car-view')])).toThrow(ProjectionRegistrationError);
    expect(() => daemonWith([named('CarView'), named('car-view')])).toThrow(/"CarView" and "car-view"/);
  });

  it('refuses a projection whose rebuild table would be truncated by PostgreSQL', () => {
    expect(() => daemonWith([named('a'.repeat(60))])).toThrow(/is 72 bytes; PostgreSQL keeps 63/);
  });

  it('refuses the set already when a worker module is composed', () => {
    expect(() => ProjectionDaemonModule.forRoot([named('CarView'), named('car_view')])).toThrow(ProjectionRegistrationError);
  });

  it('accepts the sample projections', () => {
    expect(() => daemonWith([...sampleProjections])).not.toThrow();
  });
});

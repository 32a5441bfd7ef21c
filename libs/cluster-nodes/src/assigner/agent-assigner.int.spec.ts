import { advisoryLockArgs, runMigrations } from '@projectionist/event-store';
import { MessageEnvelope, topologyFor } from '@projectionist/messaging-contracts';
import { InMemoryBroker, InMemoryBrokerServer } from '@projectionist/messaging/testing';
import { createTestNamespace, TestNamespace, waitFor } from '@projectionist/testing';
import { Client } from 'pg';
import { CreateClusterNodes1732000000003 } from '../migrations/1732000000003-create-cluster-nodes';
import { NodeRegistry } from '../registry/node-registry';
import { nodeLockRole } from '../registry/node-lock';
import { AgentAssigner } from './agent-assigner';

const CAPABILITIES = ['A@1', 'B@1', 'C@1', 'D@1'];

/** A worker as the coordinator sees it: a heartbeat, a liveness lock, a control queue. */
interface FakeWorker {
  readonly id: string;
  readonly received: string[];
  readonly agents: Set<string>;
  readonly lock: Client;
  readonly registry: NodeRegistry;
}

describe('AgentAssigner on PostgreSQL', () => {
  let db: TestNamespace;
  const server = new InMemoryBrokerServer();
  const topology = topologyFor('assigner');
  const brokers: InMemoryBroker[] = [];
  const registries: NodeRegistry[] = [];
  let leading = true;
  const workers: FakeWorker[] = [];
  let assigner: AgentAssigner;

  const broker = async (nodeId: string) => {
    const b = new InMemoryBroker({ server, topology, nodeId });
    brokers.push(b);
    await b.start();
    return b;
  };

  /** Runs the agents it is told to at once and reports them running in its next heartbeat. */
  const worker = async (id: string): Promise<FakeWorker> => {
    const lock = new Client({ connectionString: db.databaseUrl });
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(${advisoryLockArgs('election', '$1')})`, [`${db.namespace}:${nodeLockRole(id)}`]);
    const agents = new Set<string>();
    const received: string[] = [];
    const registry = new NodeRegistry({
      ...{ pool: db.pool, namespace: db.namespace, nodeId: id, app: 'projector-worker', port: 1, intervalMs: 100 },
      describe: () => ({ role: 'active', details: { distribution: 'distributed', capabilities: CAPABILITIES, agents: [...agents].map((agent) => ({ agent, health: 'running' })) } }),
    });
    registries.push(registry);
    await registry.start();
    await (await broker(id)).consume('control', async (m: MessageEnvelope) => {
      const { agent } = m.payload as { agent: string };
      received.push(`${m.type} ${agent}`);
      if (m.type === 'StartAgent') agents.add(agent);
      if (m.type === 'StopAgent') agents.delete(agent);
    });
    return { id, received, agents, lock, registry };
  };

  beforeAll(async () => {
    db = await createTestNamespace('assigner');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace, extraMigrations: [CreateClusterNodes1732000000003] });
    assigner = new AgentAssigner({
      ...{ pool: db.pool, namespace: db.namespace, nodeId: 'coordinator', broker: await broker('coordinator') },
      isLeader: () => leading,
      logger: { log: () => undefined, warn: () => undefined },
      deadAfterMs: 1_000,
      planIntervalMs: { min: 200, max: 400 },
      maxAgentsPerNode: 0,
      watchMs: 50,
    });
    assigner.start();
  });
  afterAll(async () => {
    assigner.stop();
    for (const r of registries) await r.stop().catch(() => undefined);
    for (const b of brokers) await b.close();
    for (const w of workers) await w.lock.end().catch(() => undefined);
    await db.drop();
  });

  it('spreads the agents over the live workers, then leaves them be', async () => {
    workers.push(await worker('w1'), await worker('w2'));
    const [w1, w2] = workers;
    await waitFor('four agents, two each', () => w1.agents.size === 2 && w2.agents.size === 2, { timeoutMs: 10_000 });
    expect(new Set([...w1.agents, ...w2.agents])).toEqual(new Set(CAPABILITIES));
    const sent = w1.received.length + w2.received.length;
    const plans = assigner.plansMade;
    await waitFor('three more plans', () => assigner.plansMade >= plans + 3, { timeoutMs: 10_000 });
    expect(w1.received.length + w2.received.length).toBe(sent);
  });

  it("moves a worker's agents the moment its liveness lock is gone, while its heartbeat is still on time, and sends it nothing", async () => {
    const [w1, w2] = workers;
    const heldByW2 = [...w2.agents];
    const before = w2.received.length;
    const killedAt = Date.now();
    await w2.lock.end(); // its heartbeat goes on: only the lock says it is gone
    await waitFor("w2's agents started on w1", () => heldByW2.every((a) => w1.agents.has(a)), { timeoutMs: 10_000 });
    expect(Date.now() - killedAt).toBeLessThan(1_000 + 500); // within the watch interval, not after a missed heartbeat
    expect(w2.received.length).toBe(before);
  });

  it('sends nothing while it does not lead', async () => {
    leading = false;
    const w3 = await worker('w3');
    workers.push(w3);
    const [plansBefore, checks] = [assigner.plansMade, assigner.checks];
    await waitFor('ten checks meanwhile', () => assigner.checks >= checks + 10, { timeoutMs: 10_000 });
    expect(w3.received).toEqual([]);
    expect(assigner.plansMade).toBe(plansBefore);
    leading = true;
    await waitFor('w3 given agents once it leads again', () => w3.agents.size > 0, { timeoutMs: 10_000 });
  });
});

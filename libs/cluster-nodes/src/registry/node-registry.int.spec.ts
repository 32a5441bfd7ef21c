import { runMigrations } from '@projectionist/event-store';
import { createTestNamespace, TestNamespace, waitFor } from '@projectionist/testing';
import { CreateClusterNodes1732000000003 } from '../migrations/1732000000003-create-cluster-nodes';
import { NodeRegistry } from './node-registry';

describe('NodeRegistry on PostgreSQL', () => {
  let db: TestNamespace;
  const registries: NodeRegistry[] = [];

  beforeAll(async () => {
    db = await createTestNamespace('nodes');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace, extraMigrations: [CreateClusterNodes1732000000003] });
  });
  afterAll(async () => {
    await db.drop();
  });

  const registry = (nodeId: string, app: string, describe: () => { role: string }) => {
    const r = new NodeRegistry({ pool: db.pool, namespace: db.namespace, nodeId, app, port: 3000, intervalMs: 100, describe });
    registries.push(r);
    return r;
  };
  const byId = async (reader: NodeRegistry) => new Map((await reader.list()).map((n) => [n.nodeId, n]));

  it('lists each node with its current role, and tells a clean stop from a node gone silent', async () => {
    let role = 'standby';
    const worker = registry('wk-1', 'projector-worker', () => ({ role }));
    const gateway = registry('gw-1', 'gateway', () => ({ role: 'gateway' }));
    await worker.start();
    await gateway.start();
    expect((await byId(gateway)).get('wk-1')).toMatchObject({ app: 'projector-worker', role: 'standby', status: 'up', pid: process.pid });

    role = 'active';
    await waitFor('the new role at the next heartbeat', async () => (await byId(gateway)).get('wk-1')?.role === 'active');

    await worker.stop();
    expect((await byId(gateway)).get('wk-1')?.status).toBe('stopped');

    // A node that dies stops beating without signing off: late, then down.
    const crashed = registry('wk-2', 'projector-worker', () => ({ role: 'active' }));
    await crashed.start();
    (crashed as unknown as { timer: NodeJS.Timeout }).timer.close();
    await waitFor('late', async () => (await byId(gateway)).get('wk-2')?.status === 'late', { timeoutMs: 2000 });
    await waitFor('down', async () => (await byId(gateway)).get('wk-2')?.status === 'down', { timeoutMs: 2000 });
    expect((await byId(gateway)).get('gw-1')?.status).toBe('up');
    await gateway.stop();
  });
});

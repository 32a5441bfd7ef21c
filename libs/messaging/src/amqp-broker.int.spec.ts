import { MessageEnvelope, topologyFor } from '@projectionist/messaging-contracts';
import { createTestVhost, startPrivateRabbitMq, TestVhost, waitFor } from '@projectionist/testing';
import { randomUUID } from 'node:crypto';
import { AmqpBroker } from './amqp-broker';
import { BrokerUnavailableError } from './broker-unavailable.error';

const envelope = (type: string, payload: unknown): MessageEnvelope => ({
  type,
  version: 1,
  messageId: randomUUID(),
  sentAt: new Date().toISOString(),
  sender: 'test',
  payload,
});

describe('AmqpBroker on RabbitMQ', () => {
  let vhost: TestVhost;
  const brokers: AmqpBroker[] = [];
  const broker = async (nodeId: string, namespace = 't', reconnectDelayMs = 100) => {
    const b = new AmqpBroker({ url: vhost.url, topology: topologyFor(namespace), nodeId, reconnectDelayMs });
    b.on('error', () => undefined);
    brokers.push(b);
    await b.start();
    return b;
  };

  beforeAll(async () => {
    vhost = await createTestVhost('messaging');
  });
  afterAll(async () => {
    for (const b of brokers) await b.close();
    await vhost.drop();
  });

  it('delivers commands to one consumer, control messages to all or one node, events to every subscriber', async () => {
    const [a, b] = [await broker('node-a'), await broker('node-b')];
    const got: Record<string, string[]> = { commands: [], 'a-control': [], 'b-control': [], 'a-events': [], 'b-events': [] };
    await a.consume('commands', async (m) => void got.commands.push(m.type));
    await a.consume('control', async (m) => void got['a-control'].push(m.type));
    await b.consume('control', async (m) => void got['b-control'].push(m.type));
    await a.consume('events', async (m) => void got['a-events'].push(m.type));
    await b.consume('events', async (m) => void got['b-events'].push(m.type));
    await b.sendCommand(envelope('RequestRebuild', { projection: 'CarView' }));
    await b.sendControl('all', envelope('StopProjection', {}));
    await b.sendControl('node-a', envelope('StartRebuild', {}));
    await a.publishEvent(envelope('RebuildProgress', {}));
    await waitFor('every delivery', () => got.commands.length === 1 && got['a-control'].length === 2 && got['b-control'].length === 1 && got['b-events'].length === 1);
    expect(got).toEqual({
      commands: ['RequestRebuild'],
      'a-control': ['StopProjection', 'StartRebuild'],
      'b-control': ['StopProjection'],
      'a-events': ['RebuildProgress'],
      'b-events': ['RebuildProgress'],
    });
  });

  it('reconnects by itself after the broker drops its connections, consumers included; publishing meanwhile fails at once', async () => {
    // A slow reconnect, so the disconnected window is long enough to publish into.
    const node = await broker('node-r', 'reconnect', 1_500);
    const commands: string[] = [];
    await node.consume('commands', async (m) => void commands.push(m.type));
    const statuses: string[] = [];
    node.on('status', (s: string) => statuses.push(s));
    await vhost.dropConnections();
    await waitFor('disconnected', () => statuses.includes('disconnected'));
    const started = Date.now();
    await expect(node.sendCommand(envelope('RequestRebuild', {}))).rejects.toBeInstanceOf(BrokerUnavailableError);
    expect(Date.now() - started).toBeLessThan(100);
    await waitFor('connected again', () => node.status === 'connected', { timeoutMs: 15_000 });
    await node.sendCommand(envelope('CancelRebuild', {}));
    await waitFor('the command after the reconnect', () => commands.includes('CancelRebuild'), { timeoutMs: 10_000 });
  });

  it('keeps a command that no coordinator has taken yet (durable queue, persistent message)', async () => {
    // A namespace of its own: the other tests' consumers must not take the command.
    const sender = await broker('node-s', 'kept');
    await sender.sendCommand(envelope('RequestRebuild', { projection: 'ActiveProject' }));
    const later = await broker('node-late', 'kept');
    const received: unknown[] = [];
    await later.consume('commands', async (m) => void received.push(m.payload));
    await waitFor('the waiting command', () => received.length > 0);
    expect(received).toContainEqual({ projection: 'ActiveProject' });
  });
});

describe('AmqpBroker across a real broker restart', () => {
  it('keeps a queued command through the restart and reconnects by itself', async () => {
    // A RabbitMQ node of this test's own: restarting the shared one would disturb other test files.
    const rabbit = await startPrivateRabbitMq('messaging');
    const brokers: AmqpBroker[] = [];
    const broker = async (nodeId: string) => {
      const b = new AmqpBroker({ url: rabbit.url, topology: topologyFor('restart'), nodeId, reconnectDelayMs: 200 });
      b.on('error', () => undefined);
      brokers.push(b);
      await b.start();
      return b;
    };
    try {
      const sender = await broker('node-s');
      await sender.sendCommand(envelope('RequestRebuild', { projection: 'CarView' }));
      await rabbit.stop();
      await waitFor('disconnected', () => sender.status !== 'connected');
      await expect(sender.sendCommand(envelope('RequestRebuild', {}))).rejects.toBeInstanceOf(BrokerUnavailableError);
      await rabbit.start();
      await waitFor('reconnected', () => sender.status === 'connected', { timeoutMs: 15_000 });
      const coordinator = await broker('node-c');
      const received: unknown[] = [];
      await coordinator.consume('commands', async (m) => void received.push(m.payload));
      await waitFor('the command sent before the restart', () => received.length > 0);
      expect(received).toEqual([{ projection: 'CarView' }]);
    } finally {
      for (const b of brokers) await b.close();
      await rabbit.close();
    }
    // Starts a RabbitMQ node and restarts it: 26–28 s on a quiet 2-core host, more under load.
  }, 120_000);
});

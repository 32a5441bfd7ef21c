import { MessageEnvelope, topologyFor } from '@projectionist/messaging-contracts';
import { createTestVhost, startPrivateRabbitMq, TestVhost, uniqueNamespace, waitFor } from '@projectionist/testing';
import { randomUUID } from 'node:crypto';
import { AmqpBroker } from './amqp-broker';
import { BrokerUnavailableError } from './broker-unavailable.error';
import { brokerContract, BrokerTestBed } from './testing/broker.contract';
import { brokerTransportContract } from './testing/broker-transport.contract';

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
  beforeAll(async () => {
    vhost = await createTestVhost('messaging');
  });
  afterAll(async () => {
    await vhost.drop();
  });

  // One vhost for the file, a namespace (so a topology) per test; dropping connections closes
  // only this file's, and every earlier test's nodes are closed by then.
  const amqpBed = async (): Promise<BrokerTestBed> => {
    const topology = topologyFor(uniqueNamespace('contract'));
    const nodes: AmqpBroker[] = [];
    return {
      node: async (nodeId, options) => {
        const node = new AmqpBroker({ url: vhost.url, topology, nodeId, reconnectDelayMs: options?.reconnectDelayMs ?? 100 });
        node.on('error', () => undefined);
        nodes.push(node);
        await node.start();
        return node;
      },
      dropConnections: () => vhost.dropConnections(),
      close: async () => void (await Promise.all(nodes.map((n) => n.close()))),
    };
  };
  brokerContract('AmqpBroker', amqpBed);
  brokerTransportContract('AmqpBroker', amqpBed);
});

describe('AmqpBroker closed while it connects', () => {
  let vhost: TestVhost;
  beforeAll(async () => {
    vhost = await createTestVhost('closing');
  });
  afterAll(() => vhost.drop());

  it('closes a connection that completes after close(), and never says connected again', async () => {
    const statuses: string[] = [];
    const broker = new AmqpBroker({ url: vhost.url, topology: topologyFor(uniqueNamespace('closing')), nodeId: 'closing', reconnectDelayMs: 100 });
    broker.on('status', (status) => statuses.push(status));
    const starting = broker.start();
    await broker.close();
    await starting;
    expect(statuses).toEqual(['connecting', 'closed']);
    expect(broker.status).toBe('closed');
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

import { topologyFor } from '@projectionist/messaging-contracts';
import { rebuildMessage } from '@projectionist/messaging-contracts';
import { waitFor } from '@projectionist/testing';
import { BrokerUnavailableError } from '../broker-unavailable.error';
import { brokerContract, BrokerTestBed } from '../testing/broker.contract';
import { brokerTransportContract } from '../testing/broker-transport.contract';
import { InMemoryBroker } from './in-memory-broker';
import { InMemoryBrokerServer, topicMatches } from './in-memory-broker-server';

const inMemoryBed = async (): Promise<BrokerTestBed> => {
  const server = new InMemoryBrokerServer();
  const nodes: InMemoryBroker[] = [];
  return {
    node: async (nodeId, options) => {
      const node = new InMemoryBroker({ server, topology: topologyFor('contract'), nodeId, ...options });
      nodes.push(node);
      await node.start();
      return node;
    },
    dropConnections: async () => server.dropConnections(),
    close: async () => void (await Promise.all(nodes.map((n) => n.close()))),
  };
};

brokerContract('InMemoryBroker', inMemoryBed);
brokerTransportContract('InMemoryBroker', inMemoryBed);

describe('InMemoryBroker failure switches', () => {
  const server = new InMemoryBrokerServer();
  const node = (nodeId: string) => new InMemoryBroker({ server, topology: topologyFor('switches'), nodeId });
  const message = () => rebuildMessage('RequestRebuild', { runId: 'r-1', projection: 'CarView', mode: 'blocking' }, 'test');

  it('fails fast while offline, stays disconnected until online, then delivers what waited in the durable queue', async () => {
    const [gateway, coordinator] = [node('gateway'), node('coordinator')];
    await gateway.start();
    await coordinator.start();
    const received: string[] = [];
    await coordinator.consume('commands', async (m) => void received.push(m.messageId));
    coordinator.goOffline();
    const sent = message();
    await gateway.sendCommand(sent);
    await expect(coordinator.sendCommand(message())).rejects.toBeInstanceOf(BrokerUnavailableError);
    await waitFor('a failed reconnection attempt', () => coordinator.status === 'disconnected');
    expect(received).toEqual([]);
    coordinator.goOnline();
    await waitFor('the waiting command', () => received.length === 1);
    expect(received).toEqual([sent.messageId]);
    await Promise.all([gateway.close(), coordinator.close()]);
  });

  it('matches topic patterns as AMQP does', () => {
    expect([topicMatches('#', 'RebuildProgress'), topicMatches('all', 'all'), topicMatches('node.w-1', 'node.w-2'), topicMatches('node.*', 'node.w-1'), topicMatches('a.#.z', 'a.z')]).toEqual([true, true, false, true, true]);
  });
});

import { randomUUID } from 'node:crypto';
import type { MessageEnvelope } from '@projectionist/messaging-contracts';
import { waitFor } from '@projectionist/testing';
import { BrokerStatus, MessageBroker, MessageHandler } from '../broker.port';
import { BrokerUnavailableError } from '../broker-unavailable.error';

/** One isolated broker world per test: its own topology, so no test sees another's messages. */
export interface BrokerTestBed {
  /** A started broker for `nodeId` on this bed's topology; the bed closes it. */
  node(nodeId: string, options?: { reconnectDelayMs?: number }): Promise<MessageBroker>;
  /** Closes every node's connection from the broker's side, as a broker restart does (queues and messages stay). */
  dropConnections(): Promise<void>;
  close(): Promise<void>;
}

const envelope = (type: string, payload: unknown = {}): MessageEnvelope => ({ type, version: 1, messageId: randomUUID(), sentAt: new Date().toISOString(), sender: 'contract', payload });
const collect = (into: string[]): MessageHandler => async (m) => void into.push(m.type);
// Waits that cross a reconnection: a RabbitMQ client takes a moment to connect again.
const RECONNECT = { timeoutMs: 15_000 };

/**
 * The behaviour every MessageBroker shares. Each implementation's spec calls it with a factory
 * of fresh, isolated beds.
 */
export function brokerContract(name: string, createBed: () => Promise<BrokerTestBed>): void {
  describe(`${name} (broker contract)`, () => {
    let bed: BrokerTestBed;
    beforeEach(async () => {
      bed = await createBed();
    });
    afterEach(async () => {
      await bed.close();
    });

    it('is connected once started, closed once closed, and then refuses to publish with BrokerUnavailableError', async () => {
      const node = await bed.node('node-a');
      expect(node.status).toBe('connected');
      await node.close();
      expect(node.status).toBe('closed');
      await expect(node.sendCommand(envelope('RequestRebuild'))).rejects.toBeInstanceOf(BrokerUnavailableError);
      await expect(node.sendControl('all', envelope('StartRebuild'))).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
      await expect(node.publishEvent(envelope('RebuildProgress'))).rejects.toBeInstanceOf(BrokerUnavailableError);
    });

    it('gives each command to exactly one of the competing consumers, in turns', async () => {
      const [a, b, sender] = [await bed.node('node-a'), await bed.node('node-b'), await bed.node('gateway')];
      const [byA, byB]: string[][] = [[], []];
      await a.consume('commands', collect(byA));
      await b.consume('commands', collect(byB));
      for (let i = 0; i < 6; i++) await sender.sendCommand(envelope(`Command${i}`));
      await waitFor('every command taken', () => byA.length + byB.length === 6);
      expect([...byA, ...byB].sort()).toEqual(['Command0', 'Command1', 'Command2', 'Command3', 'Command4', 'Command5']);
      expect(byA.length).toBeGreaterThan(0);
      expect(byB.length).toBeGreaterThan(0);
    });

    it('sends control messages to every node or to one node, and events to every subscriber and once to the coordinator queue', async () => {
      const [a, b] = [await bed.node('node-a'), await bed.node('node-b')];
      const got: Record<string, string[]> = { aControl: [], bControl: [], aEvents: [], bEvents: [], coordinator: [] };
      await a.consume('control', collect(got.aControl));
      await b.consume('control', collect(got.bControl));
      await a.consume('events', collect(got.aEvents));
      await b.consume('events', collect(got.bEvents));
      await a.consume('coordinator-events', collect(got.coordinator));
      await b.sendControl('all', envelope('StopProjection'));
      await b.sendControl('node-a', envelope('StartRebuild'));
      await b.publishEvent(envelope('RebuildProgress'));
      await b.sendControl('node-b', envelope('AbortRebuild'));
      await waitFor('every delivery', () => got.aControl.length === 2 && got.bControl.length === 2 && got.aEvents.length === 1 && got.bEvents.length === 1 && got.coordinator.length === 1);
      expect(got).toEqual({
        aControl: ['StopProjection', 'StartRebuild'],
        bControl: ['StopProjection', 'AbortRebuild'],
        aEvents: ['RebuildProgress'],
        bEvents: ['RebuildProgress'],
        coordinator: ['RebuildProgress'],
      });
    });

    it('keeps commands and worker events that no one consumes yet, for a consumer that comes later', async () => {
      const sender = await bed.node('gateway');
      await sender.sendCommand(envelope('RequestRebuild', { projection: 'ActiveProject' }));
      await sender.publishEvent(envelope('RebuildStarted'));
      await sender.close();
      const leader = await bed.node('coordinator');
      const [commands, events]: string[][] = [[], []];
      await leader.consume('commands', collect(commands));
      await leader.consume('coordinator-events', collect(events));
      await waitFor('the waiting messages', () => commands.length === 1 && events.length === 1);
      expect([commands, events]).toEqual([['RequestRebuild'], ['RebuildStarted']]);
    });

    it('hands a command back when its handler throws, and drops a control message whose handler throws', async () => {
      const node = await bed.node('node-a');
      const [commands, control]: string[][] = [[], []];
      await node.consume('commands', async (m) => {
        commands.push(m.type);
        if (commands.length === 1) throw new Error('not yet');
      });
      await node.consume('control', async (m) => {
        control.push(m.type);
        if (m.type === 'Bad') throw new Error('refused');
      });
      await node.sendCommand(envelope('RequestRebuild'));
      await waitFor('the command again', () => commands.length === 2);
      await node.sendControl('all', envelope('Bad'));
      await waitFor('the failing control message', () => control.includes('Bad'));
      // Sent after the failure was settled: a requeued Bad would arrive before it.
      await node.sendControl('all', envelope('Good'));
      await waitFor('the next control message', () => control.includes('Good'));
      expect(commands).toEqual(['RequestRebuild', 'RequestRebuild']);
      expect(control).toEqual(['Bad', 'Good']);
    });

    it('stops delivering to a cancelled consumer', async () => {
      const [a, b] = [await bed.node('node-a'), await bed.node('node-b')];
      const [byA, byB, eventsA]: string[][] = [[], [], []];
      const cancelled = await a.consume('commands', collect(byA));
      const cancelledEvents = await a.consume('events', collect(eventsA));
      await b.consume('commands', collect(byB));
      await cancelled.cancel();
      await cancelledEvents.cancel();
      for (let i = 0; i < 4; i++) await b.sendCommand(envelope(`Command${i}`));
      await b.publishEvent(envelope('RebuildProgress'));
      await waitFor('every command at b', () => byB.length === 4);
      expect([byA, eventsA]).toEqual([[], []]);
    });

    it('reconnects by itself after the broker drops its connections, consumers included; publishing meanwhile fails at once', async () => {
      // A slow reconnection, so the disconnected window is long enough to publish into.
      const node = await bed.node('node-r', { reconnectDelayMs: 1_500 });
      const [commands, control, events]: string[][] = [[], [], []];
      await node.consume('commands', collect(commands));
      await node.consume('control', collect(control));
      await node.consume('events', collect(events));
      const statuses: BrokerStatus[] = [];
      node.on('status', (s) => statuses.push(s));
      await bed.dropConnections();
      await waitFor('disconnected', () => statuses.includes('disconnected'));
      const started = Date.now();
      await expect(node.sendCommand(envelope('RequestRebuild'))).rejects.toBeInstanceOf(BrokerUnavailableError);
      await expect(node.publishEvent(envelope('RebuildProgress'))).rejects.toBeInstanceOf(BrokerUnavailableError);
      expect(Date.now() - started).toBeLessThan(100);
      await waitFor('connected again', () => node.status === 'connected', RECONNECT);
      expect(statuses.slice(-2)).toEqual(['connecting', 'connected']);
      await node.sendCommand(envelope('CancelRebuild'));
      await node.sendControl('node-r', envelope('AbortRebuild'));
      await node.publishEvent(envelope('RebuildFailed'));
      await waitFor('deliveries after the reconnection', () => commands.length === 1 && control.length === 1 && events.length === 1, RECONNECT);
      expect([commands, control, events]).toEqual([['CancelRebuild'], ['AbortRebuild'], ['RebuildFailed']]);
    });

    it('delivers again a command whose handler had not finished when the connection dropped', async () => {
      const [leader, gateway] = [await bed.node('coordinator', { reconnectDelayMs: 100 }), await bed.node('gateway', { reconnectDelayMs: 100 })];
      const seen: string[] = [];
      let release!: () => void;
      const stuck = new Promise<void>((resolve) => (release = resolve));
      await leader.consume('commands', async (m) => {
        seen.push(m.type);
        // The first delivery hangs until after the drop, so it is never acknowledged on its connection.
        if (seen.length === 1) await stuck;
      });
      await gateway.sendCommand(envelope('RequestRebuild'));
      await waitFor('the first delivery', () => seen.length === 1);
      await bed.dropConnections();
      await waitFor('the redelivery', () => seen.length === 2, RECONNECT);
      release();
      expect(seen).toEqual(['RequestRebuild', 'RequestRebuild']);
    });
  });
}

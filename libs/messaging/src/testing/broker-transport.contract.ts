import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { MessageEnvelope } from '@projectionist/messaging-contracts';
import { waitFor } from '@projectionist/testing';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { BrokerUnavailableError } from '../broker-unavailable.error';
import { BrokerClient } from '../nest/broker-client';
import { BrokerContext, BrokerTransport } from '../nest/broker-transport';
import type { BrokerTestBed } from './broker.contract';

const envelope = (type: string, payload: unknown = {}): MessageEnvelope => ({ type, version: 1, messageId: randomUUID(), sentAt: new Date().toISOString(), sender: 'contract', payload });
const RECONNECT = { timeoutMs: 15_000 };

/** What the handlers of the test microservice saw. */
const seen: { type: string; queue: string; payload: unknown }[] = [];
let failuresLeft = 0;

@Controller()
class TestHandlers {
  @EventPattern('Ping')
  ping(@Payload() message: MessageEnvelope, @Ctx() context: BrokerContext): void {
    seen.push({ type: message.type, queue: context.queue, payload: message.payload });
  }

  @EventPattern('Flaky')
  async flaky(@Payload() message: MessageEnvelope): Promise<void> {
    if (failuresLeft-- > 0) throw new Error('handler failed');
    seen.push({ type: message.type, queue: 'commands', payload: message.payload });
  }
}

@Module({ controllers: [TestHandlers] })
class TestModule {}

/**
 * `@EventPattern` handlers in a real Nest microservice over a MessageBroker, and BrokerClient's
 * routing, held to the same behaviour on every broker implementation.
 */
export function brokerTransportContract(name: string, createBed: () => Promise<BrokerTestBed>): void {
  describe(`${name} (Nest transport contract)`, () => {
    let bed: BrokerTestBed;
    let app: INestMicroservice | undefined;
    beforeEach(async () => {
      bed = await createBed();
      seen.length = 0;
      failuresLeft = 0;
    });
    afterEach(async () => {
      await app?.close();
      app = undefined;
      await bed.close();
    });

    const start = async (transport: BrokerTransport) => {
      app = await NestFactory.createMicroservice(TestModule, { strategy: transport, logger: false });
      await app.listen();
    };

    it('routes each message to the handler of its type, with the queue it came from', async () => {
      const worker = await bed.node('worker');
      await start(new BrokerTransport(worker, { queues: ['control'], consumeOnListen: true }));
      const client = new BrokerClient(await bed.node('gateway'), { Ping: { to: 'control', target: 'all' } });
      await lastValueFrom(client.emit('Ping', envelope('Ping', { n: 1 })), { defaultValue: undefined });
      await waitFor('the ping handled', () => seen.length === 1);
      expect(seen).toEqual([{ type: 'Ping', queue: 'control', payload: { n: 1 } }]);
    });

    it('requeues a durable command whose handler failed, until a handler succeeds', async () => {
      failuresLeft = 2;
      const coordinator = await bed.node('coordinator');
      await start(new BrokerTransport(coordinator, { queues: ['commands'], consumeOnListen: true }));
      const client = new BrokerClient(await bed.node('gateway'), { Flaky: { to: 'commands' } });
      await lastValueFrom(client.emit('Flaky', envelope('Flaky', 'once')), { defaultValue: undefined });
      await waitFor('the command handled after two failures', () => seen.length === 1, RECONNECT);
      expect(failuresLeft).toBe(-1);
    });

    it('acknowledges a message no handler knows, and goes on with the next', async () => {
      const coordinator = await bed.node('coordinator');
      await start(new BrokerTransport(coordinator, { queues: ['commands'], consumeOnListen: true }));
      const gateway = await bed.node('gateway');
      await gateway.sendCommand(envelope('FromANewerVersion'));
      await gateway.sendCommand(envelope('Flaky', 'after'));
      await waitFor('the known command handled', () => seen.length === 1);
      expect(seen[0].payload).toBe('after');
    });

    it('reads a paused queue only once resumed; commands sent meanwhile wait in the durable queue', async () => {
      const coordinator = await bed.node('coordinator');
      const transport = new BrokerTransport(coordinator, { queues: ['commands'], consumeOnListen: false });
      await start(transport);
      const client = new BrokerClient(await bed.node('gateway'), { Flaky: { to: 'commands' } });
      await lastValueFrom(client.emit('Flaky', envelope('Flaky', 'waited')), { defaultValue: undefined });
      expect(transport.consuming).toBe(false);
      await transport.resume();
      await waitFor('the waiting command handled', () => seen.length === 1);
      await transport.pause();
      await lastValueFrom(client.emit('Flaky', envelope('Flaky', 'later')), { defaultValue: undefined });
      await transport.resume();
      await waitFor('the later command handled', () => seen.length === 2);
      expect(seen.map((s) => s.payload)).toEqual(['waited', 'later']);
    });

    it('consumes again after the broker drops the connection', async () => {
      const worker = await bed.node('worker', { reconnectDelayMs: 50 });
      await start(new BrokerTransport(worker, { queues: ['commands'], consumeOnListen: true }));
      const gateway = await bed.node('gateway', { reconnectDelayMs: 50 });
      await bed.dropConnections();
      await waitFor('both reconnected', () => worker.status === 'connected' && gateway.status === 'connected', RECONNECT);
      await lastValueFrom(new BrokerClient(gateway, { Flaky: { to: 'commands' } }).emit('Flaky', envelope('Flaky', 'after drop')), { defaultValue: undefined });
      await waitFor('handled after the reconnection', () => seen.length === 1, RECONNECT);
    });

    it('fails an emit at once while the broker is unreachable, and refuses an unrouted type', async () => {
      const gateway = await bed.node('gateway', { reconnectDelayMs: 60_000 });
      const client = new BrokerClient(gateway, { Flaky: { to: 'commands' } });
      await expect(lastValueFrom(client.emit('Unrouted', envelope('Unrouted')))).rejects.toThrow('No route for message type Unrouted');
      await bed.dropConnections();
      await waitFor('disconnected', () => gateway.status !== 'connected', RECONNECT);
      const started = Date.now();
      await expect(lastValueFrom(client.emit('Flaky', envelope('Flaky')))).rejects.toBeInstanceOf(BrokerUnavailableError);
      expect(Date.now() - started).toBeLessThan(1_000);
    });
  });
}

import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import type { MessageEnvelope, MessageRoute } from '@projectionist/messaging-contracts';
import { MessageBroker } from '../broker.port';

/** A route to one node's control queue, besides the contracts' routes. */
export type Route = MessageRoute | { readonly to: 'control'; readonly target: string };

/**
 * A Nest ClientProxy over our MessageBroker, for `emit` only: the product's messages are
 * events and commands without replies. `emit(type, envelope)` routes by the route given for the
 * type; a publish while the broker is down fails at once with BrokerUnavailableError (the
 * caller answers 503), never waits.
 */
export class BrokerClient extends ClientProxy {
  constructor(
    private readonly broker: MessageBroker,
    private readonly routes: Readonly<Record<string, Route>>,
  ) {
    super();
  }

  /** The broker connects and reconnects by itself; its lifecycle belongs to MessagingModule. */
  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  unwrap<T>(): T {
    return this.broker as T;
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket<MessageEnvelope>): Promise<T> {
    const type = String(packet.pattern);
    const route = this.routes[type];
    if (!route) throw new RangeError(`No route for message type ${type}`);
    if (packet.data.type !== type) throw new RangeError(`Message of type ${packet.data.type} emitted as ${type}`);
    if (route.to === 'commands') await this.broker.sendCommand(packet.data);
    else if (route.to === 'control') await this.broker.sendControl(route.target, packet.data);
    else await this.broker.publishEvent(packet.data);
    return undefined as T;
  }

  protected override publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('BrokerClient sends events only (emit); request-reply is not supported'), isDisposed: true });
    return () => undefined;
  }
}

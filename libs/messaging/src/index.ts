export type { BrokerStatus, InvalidMessage, MessageBroker, MessageHandler, QueueKind, Subscription } from './broker.port';
export { AmqpBroker } from './amqp-broker';
export type { AmqpBrokerOptions } from './amqp-broker';
export { BrokerUnavailableError } from './broker-unavailable.error';
export { MessagingModule, AMQP_BROKER, BROKER_CLIENT } from './nest/messaging.module';
export { BrokerTransport, BrokerContext } from './nest/broker-transport';
export type { BrokerTransportOptions } from './nest/broker-transport';
export { BrokerClient } from './nest/broker-client';
export type { Route } from './nest/broker-client';

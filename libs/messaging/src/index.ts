export { AmqpBroker } from './amqp-broker';
export type { AmqpBrokerOptions, BrokerStatus, Subscription } from './amqp-broker';
export { BrokerUnavailableError } from './broker-unavailable.error';
export { MessagingModule, AMQP_BROKER } from './nest/messaging.module';

import type { HealthCheck } from '@projectionist/observability';
import type { MessageBroker } from '../broker.port';

/**
 * Readiness: the broker connection is up. `required: false` for an app that serves without it
 * (the gateway's domain API), which then reports itself degraded rather than not ready.
 */
export function brokerHealthCheck(broker: Pick<MessageBroker, 'status'>, options: { required: boolean }): HealthCheck {
  return {
    name: 'rabbitmq',
    required: options.required,
    check: async () => {
      if (broker.status !== 'connected') throw new Error(`RabbitMQ is ${broker.status}; reconnecting every 500 ms`);
    },
  };
}

/** The broker is not connected right now; callers answer 503 rather than wait. */
export class BrokerUnavailableError extends Error {
  readonly code = 'BROKER_UNAVAILABLE';
  constructor(detail: string) {
    super(`RabbitMQ is not available (${detail}); retry shortly.`);
    this.name = 'BrokerUnavailableError';
  }
}

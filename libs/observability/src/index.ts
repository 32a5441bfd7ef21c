export { JsonLogger } from './logging/json-logger';
export type { JsonLoggerOptions } from './logging/json-logger';
export { runHealthChecks } from './health/health-check';
export type { HealthCheck, HealthReport } from './health/health-check';
export { HealthModule, HEALTH_CHECKS } from './health/health.module';
export { postgresHealthCheck } from './health/postgres-health-check';

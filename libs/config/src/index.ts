export { ENV_VARS, DEFAULT_PORTS } from './env-vars';
export type { EnvVarSpec, EnvVarName, AppName } from './env-vars';
export { loadConfig } from './app-config';
export type { AppConfig, DaemonDistribution, LogLevel, WriteGuardScope } from './app-config';
export { ConfigError } from './config.error';

/** Nest injection token for the app's AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export { loadEnvFile } from './env-file';
export { renderEnvExample } from './env-example';

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Environment variable ${variable} ${problem}. See docs/operations.md for every variable and its default.`);
    this.name = 'ConfigError';
  }
}

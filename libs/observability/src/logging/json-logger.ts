import { LoggerService } from '@nestjs/common';
import { currentRequestId } from '../http/request-context';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  readonly app: string;
  readonly nodeId: string;
  readonly level: LogLevel;
  /** Where lines go; default process.stdout. */
  readonly write?: (line: string) => void;
}

/**
 * Structured logs: one JSON object per line with time, level, app, node and context, so that
 * the interleaved output of several replicas can be filtered and shipped as it is. A line written
 * while an HTTP request is handled carries its `requestId`.
 */
export class JsonLogger implements LoggerService {
  private readonly write: (line: string) => void;

  constructor(private readonly options: JsonLoggerOptions) {
    this.write = options.write ?? ((line) => process.stdout.write(line));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (RANK[level] < RANK[this.options.level]) return;
    // Nest passes the context as the last string argument, and an error's stack before it.
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const requestId = currentRequestId();
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      app: this.options.app,
      node: this.options.nodeId,
      ...(context ? { context } : {}),
      ...(requestId ? { requestId } : {}),
    };
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(entry, message);
    } else {
      entry.msg = String(message);
    }
    if (typeof args[0] === 'string' && level === 'error') entry.stack = args[0];
    this.write(`${JSON.stringify(entry)}\n`);
  }
}

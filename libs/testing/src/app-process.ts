import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppName } from '@projectionist/config';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '../../..');

export interface AppProcessPlacement {
  /** A command the process runs under, e.g. `['ip', 'netns', 'exec', 'ns1']`; it must exec node in place. */
  readonly launcher?: readonly string[];
  /** Where the test reaches its HTTP port; default 127.0.0.1. */
  readonly host?: string;
}

/** One built app running as a child process, its JSON log lines kept for assertions. */
export class AppProcess {
  readonly lines: string[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly app: AppName,
    readonly nodeId: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    /** Node arguments that replace the built entry (e.g. a TypeScript entry through ts-node). */
    private readonly nodeArgs?: string[],
    private readonly placement: AppProcessPlacement = {},
  ) {}

  get url(): string {
    return `http://${this.placement.host ?? '127.0.0.1'}:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const entry = join(ROOT, 'dist/apps', this.app, 'main.js');
    if (!this.nodeArgs && !existsSync(entry)) throw new Error(`${entry} is missing: build the app first (nx run ${this.app}:build)`);
    const [command, ...launcherArgs] = [...(this.placement.launcher ?? []), process.execPath];
    const child = spawn(command, [...launcherArgs, ...(this.nodeArgs ?? [entry])], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port), NODE_ID: this.nodeId, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        this.lines.push(...parts);
      });
    }
    await waitFor(`${this.nodeId} healthy`, () => this.running && this.get('/health').then((r) => r.ok), { timeoutMs: 30_000, intervalMs: 50 });
  }

  async get(path: string): Promise<Response> {
    return fetch(this.url + path, { signal: AbortSignal.timeout(2_000) });
  }

  async json<T>(path: string): Promise<T> {
    const response = await this.get(path);
    return (await response.json()) as T;
  }

  /** SIGSTOP: the process freezes with its connections open (a long GC pause, a frozen VM); `resume` continues it. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** SIGKILL: no shutdown hook runs, connections drop as the process dies. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGCONT'); // a paused process would not act on SIGTERM
    this.child?.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
    if (this.running) await this.kill();
  }
}

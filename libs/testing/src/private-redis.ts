import { ChildProcess, spawn } from 'node:child_process';
import { freePort, waitForPort } from './free-port';

export interface PrivateRedis {
  readonly url: string;
  /** Stops the server abruptly (its data is lost, as with the default `--save ""`). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free port, so a test can stop and restart Redis without
 * disturbing the other test files that share the machine's Redis.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: ChildProcess | undefined;
  const start = async () => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    server = child;
    const failed = new Promise<never>((_, reject) =>
      child.once('error', (error) => reject(new Error(`redis-server could not be started (is it installed?): ${error.message}`))),
    );
    await Promise.race([waitForPort(port, true, 10_000), failed]);
  };
  const stop = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await waitForPort(port, false, 10_000);
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop, close: stop };
}

import { connect, createServer } from 'node:net';
import { waitFor } from './wait-for';

/** A TCP port on loopback that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, listening: boolean, timeoutMs: number): Promise<void> {
  await waitFor(`127.0.0.1:${port} ${listening ? 'listening' : 'closed'}`, async () => (await isListening(port)) === listening, { timeoutMs, intervalMs: 100 });
}

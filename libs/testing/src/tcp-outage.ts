import { createServer, Server, Socket, connect } from 'node:net';
import { freePort, waitForPort } from './free-port';

export interface TcpOutage {
  /** The given URL with its host and port replaced by the relay's: give it to the apps. */
  readonly url: string;
  /** The service goes away for whoever uses `url`: open connections are reset, new ones refused. */
  cut(): Promise<void>;
  /** The service is reachable again on the same address. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A relay of the test's own in front of a shared service (e.g. PostgreSQL), so a test can take
 * the service away from the apps under test, as an outage or a restart would, without stopping
 * the server other test files use.
 */
export async function startTcpOutage(serviceUrl: string): Promise<TcpOutage> {
  const target = new URL(serviceUrl);
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const restore = async () => {
    if (server) return;
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  };
  const cut = async () => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
    await waitForPort(port, false, 5_000);
  };
  await restore();
  const url = new URL(serviceUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return { url: url.toString(), cut, restore, close: cut };
}

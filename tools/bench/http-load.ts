import { Agent, request } from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  /** Responses by status code. */
  readonly statuses: Record<number, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface Reply {
  readonly status: number;
  readonly body: string;
}

/** One JSON POST over a keep-alive agent. */
export function post(agent: Agent, url: string, body: object, headers: Record<string, string> = {}): Promise<Reply> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A closed-loop load generator: `connections` keep-alive connections, each sending the next
 * request as soon as the previous answer arrived, for `durationMs`.
 */
export async function closedLoop(url: string, body: (i: number) => object, connections: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const deadline = Date.now() + durationMs;
  let sent = 0;
  const startedAt = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const t0 = process.hrtime.bigint();
        const reply = await post(agent, url, body(sent++));
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
      }
    }),
  );
  const elapsedS = Number(process.hrtime.bigint() - startedAt) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsedS,
    statuses,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

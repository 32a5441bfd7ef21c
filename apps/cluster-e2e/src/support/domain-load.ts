import { AppProcess } from './app-process';

type Post = (gateway: AppProcess, path: string, body: object) => Promise<Response>;

/**
 * Lanes running at once: enough that the rate, not the latency of one request, sets the pace.
 * A full-size run, whose commands take longer on a busy machine, may need more (DOMAIN_LOAD_LANES).
 */
const LANES = Number(process.env.DOMAIN_LOAD_LANES ?? 24);

/**
 * A steady load of domain commands across every sample domain, spread over gateways and paced
 * to `rate` commands per second. Each lane runs one story after another (a customer created and
 * renamed, a car created, repainted and sold to them, a project started with a commit and an
 * issue), each step after the one it depends on, so a refused command is a real refusal, never
 * a race of the test's own making.
 */
export class DomainLoad {
  accepted = 0;
  readonly refused: string[] = [];
  private running = true;
  private nextSlot = Date.now();
  private readonly lanes: Promise<void>[];

  constructor(
    private readonly gateways: AppProcess[],
    private readonly post: Post,
    private readonly rate: number,
  ) {
    this.lanes = Array.from({ length: LANES }, (_, lane) => this.lane(lane));
  }

  snapshot(): { accepted: number; at: number } {
    return { accepted: this.accepted, at: Date.now() };
  }

  /** Commands accepted since `from`, over how long, and their rate. */
  since(from: { accepted: number; at: number }): { accepted: number; seconds: number; rate: number } {
    const seconds = (Date.now() - from.at) / 1000;
    const accepted = this.accepted - from.accepted;
    return { accepted, seconds, rate: accepted / Math.max(seconds, 0.001) };
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes);
  }

  private async lane(lane: number): Promise<void> {
    for (let story = 0; this.running; story++) {
      const id = `ld-${lane}-${story}`;
      const steps: [string, object][] = [
        ['/api/customers', { id: `${id}-cu`, name: `Customer ${id}` }],
        [`/api/customers/${id}-cu/rename`, { name: `Renamed ${id}` }],
        ['/api/cars', { id: `${id}-car`, by: 'load', color: 'white' }],
        [`/api/cars/${id}-car/repaint`, { color: 'black' }],
        [`/api/cars/${id}-car/sell`, { customerId: `${id}-cu` }],
        ['/api/projects', { id: `${id}-p`, name: `Project ${id}`, organization: 'load' }],
        [`/api/projects/${id}-p/commits`, { userName: `u${lane}`, additions: 5, deletions: 2 }],
        [`/api/projects/${id}-p/issues`, { title: `Issue of ${id}` }],
      ];
      for (const [n, [path, body]] of steps.entries()) {
        if (!this.running) return;
        await this.slot();
        if (!(await this.send(this.gateways[(lane + story + n) % this.gateways.length], path, body))) break;
      }
    }
  }

  /** Waits for this command's turn at the configured rate. */
  private async slot(): Promise<void> {
    const at = Math.max(Date.now(), this.nextSlot);
    this.nextSlot = at + 1000 / this.rate;
    const wait = at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  private async send(gateway: AppProcess, path: string, body: object): Promise<boolean> {
    try {
      const response = await this.post(gateway, path, body);
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 201) {
        this.accepted++;
        return true;
      }
      this.refused.push(`${gateway.nodeId} ${path} → ${response.status}`);
    } catch (error) {
      this.refused.push(`${gateway.nodeId} ${path} → ${(error as Error).message}`);
    }
    return false;
  }
}

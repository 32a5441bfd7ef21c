import { spawnSync } from 'node:child_process';

function ip(...args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim() };
}

function must(...args: string[]): void {
  const { ok, output } = ip(...args);
  if (!ok) throw new Error(`ip ${args.join(' ')} failed: ${output}`);
}

/**
 * A network namespace joined to this host by a veth pair: a second host on this machine, whose
 * network can be cut while its processes keep running. Only its own /30 is routed, so its
 * processes reach this host's services on `hostAddress` and nothing else.
 */
export class NetworkNamespace {
  private constructor(
    readonly name: string,
    private readonly hostLink: string,
    readonly hostAddress: string,
    readonly address: string,
  ) {}

  /** Why namespaces cannot be made here (not root, no iproute2, no permission), or undefined. */
  static unavailableReason(): string | undefined {
    if (process.getuid?.() !== 0) return 'network namespaces need root';
    const probe = `pjprobe${process.pid}`;
    const added = ip('netns', 'add', probe);
    if (!added.ok) return `\`ip netns add\` does not work here: ${added.output}`;
    ip('netns', 'del', probe);
    return undefined;
  }

  /** `index` (0–63) picks the /30 in 10.213.<pid>.0/24 and the names, so tests of one process differ. */
  static create(index: number): NetworkNamespace {
    const tag = `${process.pid % 100_000}x${index}`;
    const third = process.pid % 250;
    const ns = new NetworkNamespace(`pjns${tag}`, `pjh${tag}`, `10.213.${third}.${index * 4 + 1}`, `10.213.${third}.${index * 4 + 2}`);
    try {
      must('netns', 'add', ns.name);
      must('link', 'add', ns.hostLink, 'type', 'veth', 'peer', 'name', `pjn${tag}`);
      must('link', 'set', `pjn${tag}`, 'netns', ns.name);
      must('addr', 'add', `${ns.hostAddress}/30`, 'dev', ns.hostLink);
      must('link', 'set', ns.hostLink, 'up');
      must('netns', 'exec', ns.name, 'ip', 'addr', 'add', `${ns.address}/30`, 'dev', `pjn${tag}`);
      must('netns', 'exec', ns.name, 'ip', 'link', 'set', `pjn${tag}`, 'up');
      must('netns', 'exec', ns.name, 'ip', 'link', 'set', 'lo', 'up');
    } catch (error) {
      ns.destroy();
      throw error;
    }
    return ns;
  }

  /** Runs a command inside: prefix for spawn. */
  get launcher(): string[] {
    return ['ip', 'netns', 'exec', this.name];
  }

  /**
   * The host vanishes from the network: both ends of the link go down, so nothing it sends
   * arrives and nothing reaches it; no reset is sent for its connections, as with a power cut.
   */
  cut(): void {
    must('link', 'set', this.hostLink, 'down');
    must('netns', 'exec', this.name, 'ip', 'link', 'set', `pjn${this.hostLink.slice(3)}`, 'down');
  }

  /** Deletes the namespace (and with it its end of the pair) and the host's end; safe to repeat. */
  destroy(): void {
    ip('netns', 'del', this.name);
    ip('link', 'del', this.hostLink);
  }
}

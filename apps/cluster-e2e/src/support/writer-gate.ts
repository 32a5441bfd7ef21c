/**
 * Lets a test hold a background writer between two appends: `hold()` resolves only once the
 * writer is parked, so no append is in flight while the test compares projections.
 */
export class WriterGate {
  private parked: (() => void) | undefined;
  private held: Promise<void> | undefined;
  private open: (() => void) | undefined;
  private finished = false;

  /** Called by the writer when it has nothing left to append. */
  finish(): void {
    this.finished = true;
    this.parked?.();
  }

  /** Called by the writer before each append. */
  async pass(): Promise<void> {
    if (!this.held) return;
    this.parked?.();
    await this.held;
  }

  async hold(): Promise<void> {
    if (this.finished) return;
    const parked = new Promise<void>((resolve) => (this.parked = resolve));
    this.held = new Promise<void>((resolve) => (this.open = resolve));
    await parked;
  }

  release(): void {
    this.held = undefined;
    this.parked = undefined;
    this.open?.();
  }
}

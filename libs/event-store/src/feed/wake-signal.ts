/**
 * Lets a loop sleep until something happened or a timeout passed, whichever comes first.
 * A notify that arrives while nobody waits is remembered, so a wake-up between two reads is never lost.
 */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | undefined;

  notify(): void {
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = undefined;
      wake();
    } else {
      this.pending = true;
    }
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve();
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

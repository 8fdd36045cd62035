/**
 * A worker's timer: runs its pass every `intervalMs`, never two passes at once (a pass still
 * running when the timer fires is not doubled), and `stop` waits for the pass in progress. The
 * pass handles its own errors: a rejected pass would stop nothing but be lost.
 */
export class IntervalPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  /** Whether the timer runs (between `start` and `stop`). */
  get started(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) {
      return;
    }
    this.timer = setInterval(() => {
      if (!this.running) {
        this.running = this.pass().finally(() => {
          this.running = null;
        });
      }
    }, this.intervalMs);
  }

  /** Stops the timer and waits for the pass in progress, if any. */
  async stop(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.running;
  }
}

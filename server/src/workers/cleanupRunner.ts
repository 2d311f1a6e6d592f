// Runs "Remove flag" proofs (plan + type check) in the cleanup worker thread. The type check cannot stop half-way,
// so a cancelled request terminates the worker (when nothing else waits on it); an idle worker is terminated too,
// giving its TypeScript program's memory back. The next proof starts a fresh worker.
import type { RemoveFlagJob, RemoveFlagOutcome } from '../../../core/src/features/removeFlag.js';
import { WorkerChannel } from './channel.js';

/** An idle cleanup worker is stopped after this long. */
const IDLE_MS = 60_000;

export class CleanupRunner {
  private channel: WorkerChannel | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Workers started so far (tests check that a cancel stopped one). */
  started = 0;

  constructor(private readonly log: (message: string) => void) {}

  async prove(job: RemoveFlagJob, signal?: AbortSignal): Promise<RemoveFlagOutcome> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.channel?.alive) {
      this.channel = new WorkerChannel('cleanup', this.log);
      this.started++;
    }
    const channel = this.channel;
    const stop = () => {
      if (channel.busy <= 1) void channel.terminate();
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      return await channel.request<RemoveFlagOutcome>('proveRemoveFlag', job);
    } finally {
      signal?.removeEventListener('abort', stop);
      if (channel.alive && channel.busy === 0) {
        this.idleTimer = setTimeout(() => void channel.terminate(), IDLE_MS);
        this.idleTimer.unref();
      }
    }
  }

  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    void this.channel?.terminate();
    this.channel = undefined;
  }
}

// Cooperative time slicing for the scanner's long synchronous passes (the walk, reading and filtering files,
// analysing them): the work checks in between units and, once a slice's time is used up, gives the event loop a
// turn, so an editor's requests are answered while a workspace is indexed. A cancelled signal stops the work at
// the next check-in with the signal's reason.

/** Work between two turns of the event loop, in ms: under the ~10 ms an editor can wait without noticing. */
export const DEFAULT_SLICE_MS = 8;

export interface TimeSliceOptions {
  /** The slice length in ms (default DEFAULT_SLICE_MS). */
  sliceMs?: number;
  /** Stops the work at the next check-in (the promise rejects with `signal.reason`). */
  signal?: AbortSignal;
  /** A monotonic clock in ms (default `performance.now`); tests pass their own. */
  monotonicMs?: () => number;
}

export class TimeSlicer {
  private readonly sliceMs: number;
  private readonly now: () => number;
  private sliceStarted: number;
  /** How many times the work gave the event loop a turn. */
  pauses = 0;

  constructor(private readonly options: TimeSliceOptions = {}) {
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    this.now = options.monotonicMs ?? (() => performance.now());
    options.signal?.throwIfAborted();
    this.sliceStarted = this.now();
  }

  /** True when this slice's time is used up: the caller awaits `pause()` before the next unit of work. */
  due(): boolean {
    return this.now() - this.sliceStarted >= this.sliceMs;
  }

  /** Stops the work with the signal's reason when it is aborted (between phases, where no pause is due). */
  throwIfAborted(): void {
    this.options.signal?.throwIfAborted();
  }

  /** Gives the event loop a turn (I/O callbacks such as incoming requests run), then starts a new slice. */
  async pause(): Promise<void> {
    this.pauses++;
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Only code running during the pause can abort: the signal is checked right after it.
    this.throwIfAborted();
    this.sliceStarted = this.now();
  }
}

import { stopReason } from '../checks/deadline.js';
import type { Report } from '../checks/types.js';

/** The push's own timeout: outside the run's deadline, so a run that hit it still reports its failure. */
const PUSH_TIMEOUT_MS = 10_000;
/** After the deadline or a signal: time for the run to return its report ... */
export const STOP_GRACE_MS = 2000;
/** ... and for everything, the push included, to be done. */
const AFTER_STOP_MS = 3000;
const MIN_PUSH_MS = 1000;

/**
 * The end of a run under its one signal (the deadline, SIGTERM, SIGINT): once it aborts, the
 * run has STOP_GRACE_MS to return its report, and the push what is left of AFTER_STOP_MS, so
 * the process ends within about 3 s of its deadline whatever its children and servers do.
 */
export class StopClock {
  private stoppedAt: number | undefined;
  private readonly signal: AbortSignal;

  constructor(signal: AbortSignal) {
    this.signal = signal;
    const mark = () => (this.stoppedAt ??= Date.now());
    if (signal.aborted) mark();
    else signal.addEventListener('abort', mark, { once: true });
  }

  /**
   * The run's report, or, if the run has not returned STOP_GRACE_MS after the stop (a library
   * call that ignores the signal, a child that will not die), `abandoned()`: the run is left
   * behind, and the process exits once the report is out.
   */
  finishBy(work: Promise<Report>, abandoned: () => Report): Promise<Report> {
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<Report>((resolve) => {
      const arm = () => (timer = setTimeout(() => resolve(abandoned()), STOP_GRACE_MS));
      if (this.signal.aborted) arm();
      else this.signal.addEventListener('abort', arm, { once: true });
    });
    work.catch(() => undefined);
    return Promise.race([work, cut]).finally(() => clearTimeout(timer));
  }

  /** Why the run was stopped: its deadline, or a signal. */
  reason(): string {
    return stopReason(this.signal);
  }

  /** The push's timeout: PUSH_TIMEOUT_MS, or once stopped what is left of AFTER_STOP_MS (1 s at least). */
  pushBudget(): number {
    if (this.stoppedAt === undefined) return PUSH_TIMEOUT_MS;
    return Math.min(PUSH_TIMEOUT_MS, Math.max(MIN_PUSH_MS, this.stoppedAt + AFTER_STOP_MS - Date.now()));
  }
}

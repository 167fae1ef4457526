import type { Status } from '../checks/types.js';
import type { Logger } from './log.js';

/** What a long run reports while it works: the ink view on a terminal, plain log lines otherwise. */
export interface Progress {
  /** True for the live terminal view: worth asking tools for progress output. */
  live: boolean;
  begin(task: string, detail: string): void;
  update(task: string, detail: string): void;
  end(task: string, status: Status, summary: string): void;
  close(): Promise<void>;
}

/** Plain stderr lines, one per event: what a CronJob's log should hold. */
export function lineProgress(log: Logger): Progress {
  return {
    live: false,
    begin: (task, detail) => log.info(`${task}: ${detail}`),
    update: (task, detail) => log.info(`${task}: ${detail}`),
    end: (task, status, summary) => {
      const line = `${task}: ${status}: ${summary}`;
      if (status === 'pass' || status === 'skipped') log.info(line);
      else log.warn(line);
    },
    close: () => Promise.resolve(),
  };
}

/** No progress at all: for the steps of a run that reports as one task of another's (a gate check's probe). */
export const silentProgress: Progress = {
  live: false,
  begin: () => undefined,
  update: () => undefined,
  end: () => undefined,
  close: () => Promise.resolve(),
};

export interface ProgressOptions {
  log: Logger;
  title: string;
  /** stderr is an interactive terminal and the operator did not ask for quiet. */
  live: boolean;
  stream: NodeJS.WriteStream;
}

/** Chooses the view; ink and React load only here, and only on a terminal. */
export async function createProgress(options: ProgressOptions): Promise<Progress> {
  if (!options.live) return lineProgress(options.log);
  const { liveProgress } = await import('./live-view.js');
  return liveProgress(options);
}

import type * as InkModule from 'ink';
import type { ReactElement } from 'react';
import { useEffect, useState } from 'react';
import type { Status } from '../checks/types.js';
import { formatDuration } from '../config/duration.js';
import type { Progress, ProgressOptions } from './progress.js';
import { redact } from './redact.js';

export interface TaskState {
  name: string;
  status: Status | 'running';
  detail: string;
  startedAt: number;
  endedAt?: number;
}

const COLOR: Record<TaskState['status'], string> = {
  running: 'cyan',
  pass: 'green',
  fail: 'red',
  error: 'magenta',
  skipped: 'yellow',
};

type Ink = typeof InkModule;
interface ViewProps {
  title: string;
  tasks: TaskState[];
  startedAt: number;
}

/** The view, built over ink's components (ink loads asynchronously: its layout engine uses top-level await). */
function makeLiveView({ Box, Text }: Ink): (props: ViewProps) => ReactElement {
  // Re-renders every 200 ms so elapsed times move while nothing else happens.
  return function LiveView({ title, tasks, startedAt }: ViewProps) {
    const [now, setNow] = useState(Date.now());
    useEffect(() => {
      const timer = setInterval(() => setNow(Date.now()), 200);
      return () => clearInterval(timer);
    }, []);
    return (
      <Box flexDirection="column">
        <Text bold>
          {title} <Text dimColor>{formatDuration(now - startedAt)}</Text>
        </Text>
        {tasks.map((task) => (
          <Text key={task.name}>
            <Text color={COLOR[task.status]}>{task.status.padEnd(7)}</Text> {task.name}{' '}
            <Text dimColor>{formatDuration((task.endedAt ?? now) - task.startedAt)}</Text>{' '}
            {redact(task.detail)}
          </Text>
        ))}
      </Box>
    );
  };
}

/** The ink live view on stderr: tasks in progress, their latest detail, elapsed time. */
export async function liveProgress(options: ProgressOptions): Promise<Progress> {
  const ink = await import('ink');
  const LiveView = makeLiveView(ink);
  const startedAt = Date.now();
  const tasks = new Map<string, TaskState>();
  let closed = false;
  const instance = ink.render(<LiveView title={options.title} tasks={[]} startedAt={startedAt} />, {
    stdout: options.stream,
    patchConsole: false,
    exitOnCtrlC: false,
    // We chose the live view because stderr is a terminal; ink would otherwise fall back to
    // final-frame-only output whenever CI is set in the environment.
    interactive: true,
  });
  const draw = () =>
    instance.rerender(<LiveView title={options.title} tasks={[...tasks.values()]} startedAt={startedAt} />);
  const set = (name: string, patch: Partial<TaskState>) => {
    const previous = tasks.get(name) ?? { name, status: 'running', detail: '', startedAt: Date.now() };
    tasks.set(name, { ...previous, ...patch });
    draw();
  };
  return {
    live: true,
    begin: (task, detail) => set(task, { status: 'running', detail, startedAt: Date.now() }),
    update: (task, detail) => set(task, { detail }),
    end: (task, status, summary) => set(task, { status, detail: summary, endedAt: Date.now() }),
    close: async () => {
      if (closed) return;
      closed = true;
      // The report on stdout says it all once the run ends: leave no stale frame above it.
      instance.rerender(<ink.Box />);
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}

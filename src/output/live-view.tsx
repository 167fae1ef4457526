import { Box, Text, render } from 'ink';
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
  skip: 'yellow',
};

/** Re-renders itself every 200 ms so elapsed times move while nothing else happens. */
export function LiveView({ title, tasks, startedAt }: { title: string; tasks: TaskState[]; startedAt: number }) {
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
          <Text dimColor>{formatDuration((task.endedAt ?? now) - task.startedAt)}</Text> {redact(task.detail)}
        </Text>
      ))}
    </Box>
  );
}

/** The ink live view on stderr: tasks in progress, their latest detail, elapsed time. */
export function liveProgress(options: ProgressOptions): Progress {
  const startedAt = Date.now();
  const tasks = new Map<string, TaskState>();
  let closed = false;
  const instance = render(<LiveView title={options.title} tasks={[]} startedAt={startedAt} />, {
    stdout: options.stream,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  const draw = () =>
    instance.rerender(<LiveView title={options.title} tasks={[...tasks.values()]} startedAt={startedAt} />);
  const set = (name: string, patch: Partial<TaskState>) => {
    const previous = tasks.get(name) ?? { name, status: 'running', detail: '', startedAt: Date.now() };
    tasks.set(name, { ...previous, ...patch });
    draw();
  };
  return {
    begin: (task, detail) => set(task, { status: 'running', detail, startedAt: Date.now() }),
    update: (task, detail) => set(task, { detail }),
    end: (task, status, summary) => set(task, { status, detail: summary, endedAt: Date.now() }),
    close: async () => {
      if (closed) return;
      closed = true;
      draw();
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}

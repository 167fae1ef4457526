import type { Lab } from '../lab/index.ts';

export interface DemoStep {
  title: string;
  args: string[];
  env?: Record<string, string>;
  expectExit: number;
}

/** One step per registered subcommand, run against the lab. */
export function demoSteps(_lab: Lab): DemoStep[] {
  return [];
}

import type { TestProject } from 'vitest/node';
import { type Lab, startLab, stopLab } from '../../lab/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    lab: Lab;
  }
}

let lab: Lab | undefined;

export async function setup(project: TestProject): Promise<void> {
  lab = await startLab();
  project.provide('lab', lab);
}

export async function teardown(): Promise<void> {
  if (lab) await stopLab(lab.dir, { keepFiles: process.env.MAILOPS_LAB_KEEP === '1' });
}

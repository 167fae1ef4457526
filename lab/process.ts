import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface DaemonOptions {
  logFile: string;
  cwd?: string;
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a server in the foreground of its own process group, detached from
 * us, with only stdin/stdout/stderr open (an inherited lock fd would never
 * be released), and returns its PID, which is also its process group.
 */
export function spawnDaemon(command: string, args: string[], options: DaemonOptions): number {
  const log = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: options.cwd,
      env: options.env ?? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Live processes in a process group, found through /proc. */
export function groupMembers(pgrp: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.pgrp === pgrp && stat.state !== 'Z' && stat.state !== 'X') members.push(Number(entry));
  }
  return members;
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * Stops a process group we started: TERM, then KILL after graceMs. The group
 * leader's command line must still contain `expect`, so a recycled PID is
 * never signalled.
 */
export async function stopGroup(pgrp: number, expect: string, graceMs = 5000): Promise<void> {
  const leader = commandLine(pgrp);
  if (groupMembers(pgrp).length === 0) return;
  if (leader && !leader.includes(expect)) return;
  const signalAll = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pgrp, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalAll('SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (groupMembers(pgrp).length === 0) return;
    await sleep(50);
  }
  signalAll('SIGKILL');
  for (let i = 0; i < 40 && groupMembers(pgrp).length > 0; i++) await sleep(50);
}

/** Polls until check() returns true; throws with the label when the time is up. */
export async function waitFor(
  label: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ready = await Promise.resolve()
      .then(check)
      .catch(() => false);
    if (ready) return;
    await sleep(50);
  }
  throw new Error(`lab: ${label} not ready within ${timeoutMs}ms`);
}

/** Resolves true once something accepts TCP connections on the port. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Reads the first line a server sends after connect (an SMTP/IMAP greeting). */
export function readBanner(port: number, host = '127.0.0.1', timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no banner from ${host}:${port} within ${timeoutMs}ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
      const newline = data.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data.slice(0, newline).trim());
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

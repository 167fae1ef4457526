export interface LabContext {
  dir: string;
  path(name: string): string;
  port(): Promise<number>;
  /** uid/gid that owns mail (never root: Dovecot refuses uid 0). */
  mailUid: number;
  mailGid: number;
  domain: string;
  fixtures: string;
}

export interface Started {
  name: string;
  /** Process-group leader, stopped with its whole group. */
  pid: number;
  /** A string its command line must contain before it is signalled. */
  expect: string;
  /** Other process groups it runs in, stopped after the main one. */
  also?: { pid: number; expect: string }[];
  info: Record<string, unknown>;
}

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/output/log.js';
import { createProgress } from '../../src/output/progress.js';
import { registerSecret } from '../../src/output/redact.js';

/** A stand-in terminal: what ink writes to a TTY, collected. */
function fakeTerminal() {
  const out = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: 100,
    rows: 30,
    chunks: [] as string[],
    write(chunk: string) {
      out.chunks.push(chunk);
      return true;
    },
  });
  return out;
}

function collect() {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) };
}

/** A CronJob-style logger (no TTY, no colour) at a fixed time. */
function plainLogger(sink: { write: (line: string) => void }) {
  return createLogger({
    ...sink,
    verbose: false,
    quiet: false,
    color: false,
    tty: false,
    now: () => new Date(0),
  });
}

describe('logger', () => {
  it('timestamps plain lines for logs and hides debug unless verbose', () => {
    const sink = collect();
    const log = plainLogger(sink);
    log.debug('hidden');
    log.info('connecting\nto imap');
    expect(sink.lines).toEqual(['1970-01-01T00:00:00.000Z info connecting | to imap\n']);
  });

  it('keeps only warnings and errors when quiet, and redacts secrets', () => {
    const sink = collect();
    registerSecret('pa55-word-xyz');
    const log = createLogger({ ...sink, verbose: false, quiet: true, color: false, tty: true });
    log.info('hidden');
    log.warn('login with pa55-word-xyz refused');
    expect(sink.lines).toEqual(['warn login with *** refused\n']);
  });
});

describe('progress', () => {
  it('writes plain lines when not on a terminal', async () => {
    const sink = collect();
    const log = plainLogger(sink);
    const progress = await createProgress({
      log,
      title: 't',
      live: false,
      stream: process.stderr,
    });
    progress.begin('imap.wait', 'attempt 1 of 15');
    progress.end('imap.wait', 'fail', 'no probe after 15 attempts');
    await progress.close();
    expect(sink.lines).toEqual([
      '1970-01-01T00:00:00.000Z info imap.wait: attempt 1 of 15\n',
      '1970-01-01T00:00:00.000Z warn imap.wait: fail: no probe after 15 attempts\n',
    ]);
  });

  it('draws the ink live view on a terminal with tasks, states and details', async () => {
    const terminal = fakeTerminal();
    const log = createLogger({
      write: () => undefined,
      verbose: false,
      quiet: false,
      color: true,
      tty: true,
    });
    const progress = await createProgress({
      log,
      title: 'mailops probe-roundtrip',
      live: true,
      stream: terminal as unknown as NodeJS.WriteStream,
    });
    progress.begin('send.smtp', 'connecting to 127.0.0.1:587');
    progress.end('send.smtp', 'pass', 'accepted');
    progress.begin('imap.wait', 'attempt 2 of 15');
    // ink throttles frames; give it one before the view is closed (and cleared).
    await new Promise((resolve) => setTimeout(resolve, 100));
    await progress.close();
    const screen = terminal.chunks.join('');
    expect(screen).toContain('mailops probe-roundtrip');
    expect(screen).toMatch(/pass.*send\.smtp.*accepted/);
    expect(screen).toMatch(/running.*imap\.wait.*attempt 2 of 15/);
    // The last frame is empty: the report on stdout replaces the live view.
    expect(screen.slice(screen.lastIndexOf('attempt 2 of 15'))).not.toMatch(/\n[^\n]*send\.smtp/);
  });
});

import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { goodbye, withDeadline } from './deadline.js';
import type { SmtpEndpoint } from './smtp-send.js';
import { plainTextReply, watchForTls } from './tls-mismatch.js';
import { serverName, verification } from './tls-options.js';

export interface SmtpReply {
  code: number;
  lines: string[];
}

/** One SMTP conversation, command by command, every step under its own deadline. */
export class SmtpDialogue {
  private socket: Socket | TLSSocket;
  private buffer = '';
  private pending: string[] = [];
  private waiter: (() => void) | undefined;
  private closed: Error | undefined;
  readonly transcript: string[] = [];
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;

  private constructor(socket: Socket | TLSSocket, timeoutMs: number, signal?: AbortSignal) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    this.signal = signal;
    this.attach(socket);
  }

  /** Connects (implicit TLS when asked) and reads the 220 greeting. */
  static async open(endpoint: SmtpEndpoint, timeoutMs: number, signal?: AbortSignal): Promise<SmtpDialogue> {
    const tlsOptions = verification(endpoint);
    const socket =
      endpoint.tls === 'implicit'
        ? tlsConnect({
            host: endpoint.host,
            port: endpoint.port,
            servername: serverName(endpoint.host),
            ...tlsOptions,
          })
        : netConnect({ host: endpoint.host, port: endpoint.port });
    const dialogue = new SmtpDialogue(socket, timeoutMs, signal);
    try {
      await dialogue.step(
        'connect',
        new Promise<void>((resolve, reject) => {
          socket.once(endpoint.tls === 'implicit' ? 'secureConnect' : 'connect', () => resolve());
          socket.once('error', reject);
        }),
      );
    } catch (error) {
      throw plainTextReply(error, endpoint.tlsFix) ?? error;
    }
    // A plain connection to a server that speaks TLS from the start would wait the whole budget.
    const unwatch =
      endpoint.tls === 'implicit'
        ? () => undefined
        : watchForTls(
            endpoint,
            () => socket.bytesRead,
            endpoint.tlsFix,
            (error) => dialogue.fail(error),
          );
    try {
      dialogue.expect('greeting', await dialogue.reply('greeting'), [220]);
    } finally {
      unwatch();
    }
    return dialogue;
  }

  /** Ends the conversation with `error`: what the step waiting for a reply throws. */
  private fail(error: Error): void {
    this.closed = error;
    this.socket.destroy();
    this.waiter?.();
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        this.pending.push(this.buffer.slice(0, newline).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(newline + 1);
      }
      this.waiter?.();
    });
    socket.on('error', (error: Error) => {
      this.closed = error;
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed ??= new Error('connection closed by the server');
      this.waiter?.();
    });
  }

  private step<T>(name: string, work: Promise<T>): Promise<T> {
    return withDeadline(`smtp ${name}`, this.timeoutMs, work, {
      signal: this.signal,
      onExpire: () => this.socket.destroy(),
    });
  }

  /** Reads one (possibly multi-line) reply. */
  reply(step: string): Promise<SmtpReply> {
    const read = async (): Promise<SmtpReply> => {
      const lines: string[] = [];
      for (;;) {
        while (this.pending.length === 0) {
          if (this.closed) throw this.closed;
          await new Promise<void>((resolve) => (this.waiter = resolve));
          this.waiter = undefined;
        }
        const line = this.pending.shift() ?? '';
        lines.push(line);
        this.transcript.push(`S: ${line}`);
        if (/^\d{3}(?: |$)/.test(line)) return { code: Number(line.slice(0, 3)), lines };
        if (!/^\d{3}-/.test(line)) throw new Error(`unexpected reply line: ${line.slice(0, 80)}`);
      }
    };
    return this.step(step, read());
  }

  /** Sends a command and reads its reply; `shown` replaces secrets in the transcript. */
  async command(step: string, line: string, shown = line): Promise<SmtpReply> {
    this.transcript.push(`C: ${shown}`);
    this.socket.write(`${line}\r\n`);
    return this.reply(step);
  }

  expect(step: string, reply: SmtpReply, codes: number[]): SmtpReply {
    if (!codes.includes(reply.code)) {
      throw new SmtpStepError(
        step,
        reply,
        `${step}: expected ${codes.join(' or ')}, got ${reply.lines.at(-1) ?? reply.code}`,
      );
    }
    return reply;
  }

  /** Sends the command and insists on one of the reply codes. */
  async run(step: string, line: string, codes: number[], shown?: string): Promise<SmtpReply> {
    return this.expect(step, await this.command(step, line, shown), codes);
  }

  /** STARTTLS, then a TLS handshake on the same socket (verified unless --insecure). */
  async startTls(endpoint: SmtpEndpoint): Promise<TLSSocket> {
    await this.run('starttls', 'STARTTLS', [220]);
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tlsConnect({
      socket: plain,
      servername: serverName(endpoint.host),
      ...verification(endpoint),
    });
    this.socket = secure;
    this.closed = undefined;
    this.attach(secure);
    await this.step(
      'tls handshake',
      new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', () => resolve());
        secure.once('error', reject);
      }),
    );
    return secure;
  }

  /** QUIT, waited for briefly (goodbye), then the connection is closed. */
  async quit(): Promise<void> {
    await goodbye('smtp quit', this.command('quit', 'QUIT'), () => this.close(), this.timeoutMs);
    this.close();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A reply the step did not accept, kept whole for the report. */
export class SmtpStepError extends Error {
  readonly step: string;
  readonly reply: SmtpReply;
  constructor(step: string, reply: SmtpReply, message: string) {
    super(message);
    this.name = 'SmtpStepError';
    this.step = step;
    this.reply = reply;
  }
}

/** EHLO capabilities, upper-cased keywords: STARTTLS, AUTH, SIZE ... */
export function ehloCapabilities(reply: SmtpReply): Set<string> {
  return new Set(reply.lines.slice(1).map((line) => line.slice(4).split(' ')[0]?.toUpperCase() ?? ''));
}

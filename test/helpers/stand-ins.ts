import { createSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Running {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>): Promise<Running> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Stand-in for a wedged IMAP server: accepts TCP, never sends a greeting. */
export function silentServer(): Promise<Running> {
  return listen(createServer(), new Set());
}

/**
 * Stand-in for an SMTP server that does not offer STARTTLS: a minimal
 * RFC 5321 dialogue, enough for a client to reach the point where it must
 * refuse to go on in plain text.
 */
export function plainSmtpServer(): Promise<Running> {
  return lineServer('220 plain.example ESMTP', (line, socket) => {
    const command = line.toUpperCase();
    if (command.startsWith('EHLO')) socket.write('250-plain.example\r\n250 AUTH PLAIN\r\n');
    else if (command.startsWith('QUIT')) socket.end('221 bye\r\n');
    else if (command.startsWith('STARTTLS')) socket.write('502 5.5.1 not offered\r\n');
    else socket.write('250 ok\r\n');
  });
}

/** A line-based server (SMTP, IMAP): `greeting` on connect, then `onLine` for each CRLF line. */
function lineServer(greeting: string, onLine: (line: string, socket: Socket) => void): Promise<Running> {
  const server = createServer((socket) => {
    socket.write(`${greeting}\r\n`);
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        onLine(line, socket);
      }
    });
  });
  return listen(server, new Set());
}

/**
 * A fault in front of a real server: a TCP proxy that passes both ways until a chunk from
 * `side` matches `match` (passing that chunk too when `pass`), then passes nothing more and
 * keeps both connections open. The client sees a server that stops answering mid-dialogue
 * (after SELECT, at LOGOUT, after EHLO, once TLS is to start).
 */
export function stallingProxy(
  target: { host: string; port: number },
  trigger: { side: 'client' | 'server'; match: RegExp; pass?: boolean },
): Promise<Running> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    let stalled = false;
    const relay = (from: Socket, to: Socket, side: 'client' | 'server') =>
      from.on('data', (chunk: Buffer) => {
        if (stalled) return;
        const hit = side === trigger.side && trigger.match.test(chunk.toString('latin1'));
        if (!hit || trigger.pass) to.write(chunk);
        if (hit) stalled = true;
      });
    relay(client, upstream, 'client');
    relay(upstream, client, 'server');
  });
  return listen(server, sockets);
}

/** Stand-in for an HTTP server that sends its headers and part of the body, then stalls. */
export function stallingHttpServer(): Promise<Running> {
  const server = createServer((socket) => {
    socket.once('data', () =>
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"zones":',
      ),
    );
  });
  return listen(server, new Set());
}

/** Stand-in for a DNS server that takes every question and answers none. */
export async function silentDnsServer(): Promise<Running> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A request that reached a recording stand-in. */
export interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

/**
 * An HTTP server that records every request and then either forwards it to `forward` (a
 * recording proxy in front of the real Pushgateway: what mailops sends, byte for byte) or,
 * without one, rejects it with `status` and a body that echoes the Authorization header back,
 * as careless servers do in their errors.
 */
export async function recordingHttpServer(options: {
  forward?: string;
  status?: number;
}): Promise<Running & { requests: Recorded[] }> {
  const { createServer: createHttpServer } = await import('node:http');
  const { request } = await import('undici');
  const requests: Recorded[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      if (!options.forward) {
        res.writeHead(options.status ?? 401, { 'content-type': 'text/plain' });
        res.end(`rejected: authorization=${req.headers.authorization ?? 'none'}\n`);
        return;
      }
      void request(`${options.forward}${req.url ?? ''}`, {
        method: req.method as 'POST',
        body,
        headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
      }).then(async (answer) => {
        res.writeHead(answer.statusCode);
        res.end(await answer.body.text());
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The next IMAP string of a command line: quoted (with \" and \\ escapes) or an atom. */
function imapString(text: string): [string, string] {
  const rest = text.trimStart();
  if (!rest.startsWith('"')) {
    const end = rest.search(/\s|$/);
    return [rest.slice(0, end), rest.slice(end)];
  }
  let value = '';
  for (let i = 1; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '\\') value += rest[++i] ?? '';
    else if (c === '"') return [value, rest.slice(i + 1)];
    else value += c;
  }
  return [value, ''];
}

/**
 * Stand-in for an IMAP server that refuses every login and quotes the password back in its
 * NO response: a server mailops must not trust to keep secrets out of its own output.
 */
export function quotingImapServer(): Promise<Running> {
  return lineServer('* OK quoting stand-in ready', (line, socket) => {
    const [tag = '*', command = '', args = ''] = /^(\S+) (\S+) ?(.*)$/.exec(line)?.slice(1) ?? [];
    if (/^CAPABILITY$/i.test(command)) socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
    else if (/^ID$/i.test(command)) socket.write(`* ID NIL\r\n${tag} OK done\r\n`);
    else if (/^LOGIN$/i.test(command)) {
      const [, rest] = imapString(args);
      const [password] = imapString(rest);
      socket.write(`${tag} NO [AUTHENTICATIONFAILED] no user accepts the password ${password}\r\n`);
    } else if (/^LOGOUT$/i.test(command)) socket.end(`* BYE\r\n${tag} OK bye\r\n`);
    else socket.write(`${tag} BAD unknown\r\n`);
  });
}

/** Stand-in for an SMTP server that refuses AUTH and quotes the client's token back in its 535. */
export function quotingSmtpServer(): Promise<Running> {
  return lineServer('220 quoting.example ESMTP', (line, socket) => {
    if (/^EHLO/i.test(line)) socket.write('250-quoting.example\r\n250 AUTH PLAIN LOGIN\r\n');
    else if (/^AUTH PLAIN /i.test(line))
      socket.write(`535 5.7.8 authentication failed for ${line.slice(11)}\r\n`);
    else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
    else socket.write('502 5.5.1 not here\r\n');
  });
}

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
  const server = createServer((socket) => {
    socket.write('220 plain.example ESMTP\r\n');
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let newline: number;
      while ((newline = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, newline).toUpperCase();
        buffer = buffer.slice(newline + 2);
        if (line.startsWith('EHLO')) socket.write('250-plain.example\r\n250 AUTH PLAIN\r\n');
        else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else if (line.startsWith('STARTTLS')) socket.write('502 5.5.1 not offered\r\n');
        else socket.write('250 ok\r\n');
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

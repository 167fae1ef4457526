// Stand-in for Brevo's transactional email API (the cloud service cannot run here).
// It speaks the real wire format of POST /v3/smtp/email (api-key header, JSON
// body, 201 {"messageId"}, 400/401 {"code","message"}), honours idempotencyKey,
// and relays each accepted message into the lab's Postfix over SMTP, as Brevo
// would deliver it to the recipient's MX.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import nodemailer from 'nodemailer';

export interface BrevoStandIn {
  url: string;
  /** Messages relayed to the MX, in order. */
  relayed: { subject: string; headers: Record<string, string> }[];
  /** Every request's api-key header, to check what the client sent. */
  apiKeys: string[];
  /** Drop the connection after relaying the next N requests, as a lost response would look. */
  dropResponses: number;
  close(): Promise<void>;
}

interface SendBody {
  sender?: { email?: string };
  to?: { email?: string }[];
  subject?: string;
  textContent?: string;
  htmlContent?: string;
  headers?: Record<string, string>;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

export async function startBrevoStandIn(options: { apiKey: string; mxPort: number }): Promise<BrevoStandIn> {
  const mx = nodemailer.createTransport({
    host: '127.0.0.1',
    port: options.mxPort,
    secure: false,
    ignoreTLS: true,
  });
  const byKey = new Map<string, string>();
  const state: Omit<BrevoStandIn, 'url' | 'close'> = { relayed: [], apiKeys: [], dropResponses: 0 };
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v3/smtp/email')
        return reply(res, 404, { code: 'not_found', message: 'Not found' });
      const key = String(req.headers['api-key'] ?? '');
      state.apiKeys.push(key);
      if (key !== options.apiKey) return reply(res, 401, { code: 'unauthorized', message: 'Key not found' });
      let body: SendBody;
      try {
        body = JSON.parse(await readBody(req)) as SendBody;
      } catch {
        return reply(res, 400, { code: 'bad_request', message: 'Invalid JSON' });
      }
      const from = body.sender?.email;
      const to = body.to?.[0]?.email;
      if (!from || !to || !body.subject || !(body.textContent || body.htmlContent)) {
        return reply(res, 400, {
          code: 'missing_parameter',
          message: 'sender, to, subject and content are required',
        });
      }
      const { idempotencyKey, ...headers } = body.headers ?? {};
      const seen = idempotencyKey ? byKey.get(idempotencyKey) : undefined;
      if (seen) return reply(res, 201, { messageId: seen });
      const messageId = `<${randomUUID()}@smtp-relay.mailin.fr>`;
      // Brevo's sandbox: the request is validated and answered, nothing is delivered.
      if (headers['X-Sib-Sandbox'] === 'drop') return reply(res, 201, { messageId });
      if (idempotencyKey) byKey.set(idempotencyKey, messageId);
      await mx.sendMail({
        from,
        to,
        subject: body.subject,
        text: body.textContent,
        html: body.htmlContent,
        headers,
        messageId,
      });
      state.relayed.push({ subject: body.subject, headers });
      if (state.dropResponses > 0) {
        state.dropResponses--;
        req.socket.destroy();
        return;
      }
      reply(res, 201, { messageId });
    })().catch((error: unknown) => reply(res, 500, { code: 'internal_error', message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('brevo stand-in: no port');
  return Object.assign(state, {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        mx.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

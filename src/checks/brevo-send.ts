import { durationText } from '../config/duration.js';
import { randomUUID } from 'node:crypto';
import { sleep } from './deadline.js';
import { type OutgoingProbe, type SendOutcome, SendFailure } from './outgoing.js';

export interface BrevoEndpoint {
  /** Base URL: https://api.brevo.com, or a local stand-in. */
  url: string;
  apiKey: string;
}

const RETRIES = 2;

/**
 * Sends through Brevo's transactional API (POST /v3/smtp/email). Network
 * errors, 429 and 5xx are retried with the same idempotencyKey, so a retry
 * after a lost response cannot send a second probe; other 4xx fail at once.
 */
export async function sendBrevo(
  endpoint: BrevoEndpoint,
  message: OutgoingProbe,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<SendOutcome> {
  const { request } = await import('undici');
  const idempotencyKey = randomUUID();
  const body = JSON.stringify({
    sender: { email: message.from },
    to: [{ email: message.to }],
    subject: message.subject,
    textContent: message.text,
    headers: { ...message.headers, idempotencyKey },
  });
  const url = `${endpoint.url.replace(/\/+$/, '')}/v3/smtp/email`;
  const started = Date.now();
  let lastError = '';
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0 && !(await sleep(500 * 2 ** (attempt - 1), options.signal))) break;
    try {
      const response = await request(url, {
        method: 'POST',
        headers: {
          'api-key': endpoint.apiKey,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        signal: AbortSignal.any([
          AbortSignal.timeout(options.timeoutMs),
          ...(options.signal ? [options.signal] : []),
        ]),
      });
      const text = await response.body.text();
      const status = response.statusCode;
      if (status === 201 || status === 202) {
        const messageId = (JSON.parse(text || '{}') as { messageId?: string }).messageId ?? '';
        const acceptedAt = Date.now();
        return { response: `${status} messageId ${messageId}`, acceptedAt, durationMs: acceptedAt - started };
      }
      const reason = describeError(status, text);
      if (status !== 429 && status < 500) throw new SendFailure(`HTTP_${status}`, reason);
      lastError = reason;
    } catch (error) {
      if (error instanceof SendFailure) throw error;
      if (options.signal?.aborted)
        throw new SendFailure('ABORTED', 'Brevo: the run was stopped during the send');
      const e = error as Error & { code?: string };
      lastError = `Brevo: ${e.name === 'TimeoutError' ? `no answer within ${durationText(options.timeoutMs)}` : (e.code ?? e.message)}`;
    }
  }
  throw new SendFailure(
    'RETRIES_EXHAUSTED',
    `${lastError} (after ${RETRIES + 1} tries with one idempotency key)`,
  );
}

function describeError(status: number, text: string): string {
  try {
    const parsed = JSON.parse(text) as { code?: string; message?: string };
    return `Brevo HTTP ${status}: ${parsed.code ?? 'error'}: ${parsed.message ?? ''}`.trim();
  } catch {
    return `Brevo HTTP ${status}: ${text.slice(0, 200)}`;
  }
}

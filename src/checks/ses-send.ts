import { type OutgoingProbe, type SendOutcome, SendFailure } from './outgoing.js';

export interface SesEndpoint {
  region: string;
  /** A non-AWS endpoint, e.g. a local SES v2 emulator. */
  endpoint?: string;
}

/**
 * Sends through Amazon SES v2 SendEmail with the standard AWS credential
 * chain. One attempt only: SendEmail has no idempotency key, so an SDK retry
 * after a lost response could send a second probe. SES rewrites Message-ID and
 * Date, which is why the probe is tagged in the Subject and a custom header.
 */
export async function sendSes(
  endpoint: SesEndpoint,
  message: OutgoingProbe,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<SendOutcome> {
  const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  const client = new SESv2Client({
    region: endpoint.region,
    ...(endpoint.endpoint ? { endpoint: endpoint.endpoint } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs },
  });
  const started = Date.now();
  try {
    const result = await client.send(
      new SendEmailCommand({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject },
            Body: { Text: { Data: message.text } },
            Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })),
          },
        },
      }),
      { abortSignal: options.signal },
    );
    const acceptedAt = Date.now();
    return { response: `MessageId ${result.MessageId ?? ''}`, acceptedAt, durationMs: acceptedAt - started };
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
    const status = e.$metadata?.httpStatusCode;
    const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'ERROR');
    throw new SendFailure(code, `SES ${status ? `HTTP ${status} ` : ''}${code}: ${e.message}`);
  } finally {
    client.destroy();
  }
}

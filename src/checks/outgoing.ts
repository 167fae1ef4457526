export interface OutgoingProbe {
  from: string;
  to: string;
  subject: string;
  headers: Record<string, string>;
  text: string;
}

export interface SendOutcome {
  /** What the sending service answered, e.g. "250 2.0.0 Ok: queued as 4F2A1" or "201 messageId <...>". */
  response: string;
  acceptedAt: number;
  durationMs: number;
}

/** A refused or broken send, with a short code (SMTP, HTTP or SDK error name). */
export class SendFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SendFailure';
    this.code = String(code);
  }
}

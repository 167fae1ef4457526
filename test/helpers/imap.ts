import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import type { Lab } from '../../lab/index.ts';

/** A logged-in imapflow client on the lab's IMAPS port, for seeding and inspecting mailboxes. */
export async function labImap(lab: Lab, user = lab.users[0]!): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: lab.imap.imapsPort,
    secure: true,
    auth: { user: user.address, pass: user.password },
    tls: { ca: readFileSync(lab.caFile, 'utf8') },
    logger: false,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
  });
  client.on('error', () => undefined);
  await client.connect();
  await client.mailboxOpen('INBOX');
  return client;
}

/** Subjects of every message in INBOX with their flags. */
export async function listInbox(
  client: ImapFlow,
): Promise<{ uid: number; subject: string; flags: string[] }[]> {
  const status = await client.status('INBOX', { messages: true });
  if (!status || !status.messages) return [];
  const messages = await client.fetchAll('1:*', { uid: true, envelope: true, flags: true });
  return messages.map((m) => ({
    uid: m.uid,
    subject: m.envelope?.subject ?? '',
    flags: [...(m.flags ?? [])],
  }));
}

/** A raw RFC 5322 message for APPEND. */
export function rawMessage(subject: string, headers: Record<string, string> = {}): string {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `From: seed@mailops.test\r\nTo: probe@mailops.test\r\nSubject: ${subject}\r\n${extra}Date: ${new Date().toUTCString()}\r\n\r\nseeded\r\n`;
}

/** Subjects in a lab user's INBOX, on a connection of its own. */
export async function inboxSubjects(lab: Lab, user = lab.users[0]!): Promise<string[]> {
  const client = await labImap(lab, user);
  try {
    return (await listInbox(client)).map((m) => m.subject);
  } finally {
    await client.logout();
  }
}

/** Deletes everything in a lab user's INBOX. */
export async function emptyMailbox(lab: Lab, user = lab.users[0]!): Promise<void> {
  const client = await labImap(lab, user);
  try {
    const status = await client.status('INBOX', { messages: true });
    if (status && status.messages) await client.messageDelete('1:*');
  } finally {
    await client.logout();
  }
}

// Reads the messages that the test-owned SMTP sink (support/smtp-sink.ts) stored in end2end/.mail/.
import fs from 'node:fs';
import path from 'node:path';
import { MAIL_DIR } from './paths';
import type { StoredMail } from './smtp-sink';

export const MAIL_TIMEOUT_MS = 15_000;
const POLL_MS = 200;

export const VERIFICATION_SUBJECT = 'Your Caseport verification code';
const CODE_PATTERN = /Your verification code is (\d{6})\b/;

function readMessages(): StoredMail[] {
  let names: string[];
  try {
    names = fs.readdirSync(MAIL_DIR);
  } catch {
    return [];
  }
  const messages: StoredMail[] = [];
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    try {
      messages.push(JSON.parse(fs.readFileSync(path.join(MAIL_DIR, name), 'utf8')) as StoredMail);
    } catch {
      // A file removed or replaced between readdir and read; it will be seen on the next poll.
    }
  }
  return messages;
}

/** The newest message to `email` that the sink received at or after `sinceMs`, waiting up to 15 s. */
export async function waitForMail(email: string, sinceMs: number): Promise<StoredMail> {
  const address = email.toLowerCase();
  const deadline = Date.now() + MAIL_TIMEOUT_MS;
  for (;;) {
    const matching = readMessages()
      .filter((m) => m.to.includes(address) && Date.parse(m.date) >= sinceMs)
      .sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
    if (matching.length > 0) return matching[0];
    if (Date.now() >= deadline) {
      const total = readMessages().length;
      throw new Error(
        `No email to ${email} arrived at the test SMTP sink (${MAIL_DIR}) after ` +
          `${new Date(sinceMs).toISOString()} within ${MAIL_TIMEOUT_MS / 1000} s ` +
          `(the sink holds ${total} message(s) in all). Is the app's CASEPORT_SMTP_URL pointing at the sink?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits for the newest verification email to `email` received after `sinceMs` and returns its 6-digit code. */
export async function waitForCode(email: string, sinceMs: number): Promise<string> {
  const mail = await waitForMail(email, sinceMs);
  const match = CODE_PATTERN.exec(mail.text);
  if (!match) {
    throw new Error(
      `The newest email to ${email} (subject ${JSON.stringify(mail.subject)}) has no ` +
        `"Your verification code is NNNNNN" line. Text was:\n${mail.text}`,
    );
  }
  return match[1];
}

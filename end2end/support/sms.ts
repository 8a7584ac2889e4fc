// Reads the text messages that the test-owned provider (support/sms-sink.ts) stored in end2end/.sms/.
import fs from 'node:fs';
import path from 'node:path';
import { SMS_DIR } from './paths';
import type { StoredText } from './sms-sink';

const TIMEOUT_MS = 15_000;
const POLL_MS = 200;
const CODE_PATTERN = /Caseport code: (\d{6})\b/;

function readTexts(): StoredText[] {
  let names: string[];
  try {
    names = fs.readdirSync(SMS_DIR);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => {
      try {
        return [JSON.parse(fs.readFileSync(path.join(SMS_DIR, name), 'utf8')) as StoredText];
      } catch {
        return [];
      }
    });
}

/** Every text to `phone` (E.164) received at or after `sinceMs`, oldest first. */
export function textsTo(phone: string, sinceMs: number): StoredText[] {
  return readTexts()
    .filter((t) => t.to === phone && Date.parse(t.date) >= sinceMs)
    .sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
}

/** Waits for the newest text to `phone` received at or after `sinceMs` and returns its code. */
export async function waitForTextCode(phone: string, sinceMs: number): Promise<string> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const texts = textsTo(phone, sinceMs);
    const match = texts.length > 0 ? CODE_PATTERN.exec(texts[texts.length - 1].body) : null;
    if (match) return match[1];
    if (Date.now() >= deadline) {
      throw new Error(`No code texted to ${phone} after ${new Date(sinceMs).toISOString()} within ${TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

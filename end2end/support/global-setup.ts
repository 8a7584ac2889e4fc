// Starts the test-owned SMTP sink and text-message provider for the whole run; the returned function
// stops them again (Playwright runs a function returned from globalSetup as the global teardown).
import fs from 'node:fs';
import type { FullConfig } from '@playwright/test';
import { startSmtpSink } from './smtp-sink';
import { startSmsSink } from './sms-sink';
import { MAIL_DIR, SMS_DIR, SMS_HOST, SMS_PORT, SMS_TOKEN, SMTP_HOST, SMTP_PORT } from './paths';

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  fs.rmSync(MAIL_DIR, { recursive: true, force: true });
  fs.mkdirSync(MAIL_DIR, { recursive: true });
  const sink = await startSmtpSink({ host: SMTP_HOST, port: SMTP_PORT, dir: MAIL_DIR });
  fs.rmSync(SMS_DIR, { recursive: true, force: true });
  const texts = await startSmsSink({ host: SMS_HOST, port: SMS_PORT, dir: SMS_DIR, token: SMS_TOKEN });
  return async () => {
    await sink.close();
    await texts.close();
  };
}

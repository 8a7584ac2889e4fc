// Starts the test-owned SMTP sink for the whole run; the returned function stops it again
// (Playwright runs a function returned from globalSetup as the global teardown).
import fs from 'node:fs';
import type { FullConfig } from '@playwright/test';
import { startSmtpSink } from './smtp-sink';
import { MAIL_DIR, SMTP_HOST, SMTP_PORT } from './paths';

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  fs.rmSync(MAIL_DIR, { recursive: true, force: true });
  fs.mkdirSync(MAIL_DIR, { recursive: true });
  const sink = await startSmtpSink({ host: SMTP_HOST, port: SMTP_PORT, dir: MAIL_DIR });
  return async () => {
    await sink.close();
  };
}

// Filesystem locations shared by the Playwright config, the global setup and the specs.
// Resolved from this file, so they do not depend on the directory Playwright was started from.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The end2end/ directory. */
export const END2END_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The repository root (the app's working directory when the tests start it). */
export const REPO_ROOT = path.resolve(END2END_DIR, '..');

/** Where the test-owned SMTP sink writes one JSON file per received message. */
export const MAIL_DIR = path.join(END2END_DIR, '.mail');

/** Parent of the per-run data directories given to the app. */
export const RUN_ROOT = path.join(END2END_DIR, '.run');

/** Address of the test-owned SMTP sink; the app is pointed at it with CASEPORT_SMTP_URL. */
export const SMTP_HOST = '127.0.0.1';
export const SMTP_PORT = 2526;

/** Where the test-owned text-message provider writes one JSON file per received text. */
export const SMS_DIR = path.join(END2END_DIR, '.sms');

/** Address of the test-owned text-message provider; the app gets it as CASEPORT_SMS_URL. */
export const SMS_HOST = '127.0.0.1';
export const SMS_PORT = 2527;
/** The bearer token the provider expects (CASEPORT_SMS_TOKEN). */
export const SMS_TOKEN = 'end2end-sms-token';

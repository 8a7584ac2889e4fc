// Runs the `caseport` command against the database and data directory of the server under test,
// for what only operators do (creating accounts with an authenticator, API clients, demo cases).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT } from './paths';
import { newEmail, strongPassword, type Account } from './journey';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The output of `caseport <args>` run with the test server's settings (stdin: `input`). */
export function caseport(args: string[], input?: string): string {
  const runDir = process.env.CASEPORT_E2E_RUN_DIR;
  if (!runDir) throw new Error('CASEPORT_E2E_RUN_DIR is not set (playwright.config.ts sets it)');
  const databaseURL = process.env.CASEPORT_E2E_DATABASE_URL ?? `sqlite://${path.join(runDir, 'caseport.db')}`;
  return execFileSync(path.join(REPO_ROOT, 'target', 'release', 'caseport'), args, {
    cwd: REPO_ROOT,
    input,
    encoding: 'utf8',
    env: {
      ...process.env,
      CASEPORT_DATA_DIR: runDir,
      CASEPORT_DATABASE_URL: databaseURL,
      CASEPORT_ENVIRONMENT: 'development',
      CASEPORT_SITE_ROOT: 'target/site',
      CASEPORT_LOG: 'warn',
    },
  });
}

/** A fresh random authenticator key (160 bits, Base32). */
export function randomSecret(): string {
  return Array.from(randomBytes(32), (b) => BASE32_ALPHABET[b % 32]).join('');
}

/** A verified applicant with an authenticator, made by `caseport create-account`. */
export function createApplicant(email: string, password: string): Account {
  const secret = randomSecret();
  caseport(['create-account', '--email', email, '--password-stdin', '--totp-secret', secret], `${password}\n`);
  return { email, password, secret, usedSteps: [] };
}

/** A new verified staff account with an authenticator, made by `caseport create-account --role`. */
export function createStaff(role: 'officer' | 'supervisor' | 'support'): Account {
  const email = newEmail();
  const password = strongPassword();
  const secret = randomSecret();
  caseport(
    ['create-account', '--email', email, '--password-stdin', '--totp-secret', secret, '--role', role],
    `${password}\n`,
  );
  return { email, password, secret, usedSteps: [] };
}

/** Gives the account its three demo cases; returns their receipt numbers (I-765, I-485, I-130). */
export function seedDemoCases(email: string): string[] {
  const out = caseport(['seed-demo', '--email', email]);
  const receipts = out.match(/[A-Z]{3}\d{10}/g) ?? [];
  if (receipts.length !== 3) throw new Error(`seed-demo printed no receipt numbers: ${out}`);
  return receipts;
}

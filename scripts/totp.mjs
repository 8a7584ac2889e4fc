#!/usr/bin/env node
// Prints the current authenticator code for a Base32 key (what an authenticator app would show):
//
//   node scripts/totp.mjs BASE32SECRET
//
// The RFC 6238 implementation itself lives in end2end/support/totp.mjs (tested there against the
// RFC's vectors); this file adds the command line and the helpers bench/bench.mjs uses.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { base32Encode, STEP_SECONDS, totpForStep } from '../end2end/support/totp.mjs';

/** A new random 160-bit secret as 32 Base32 characters. */
export function newSecret() {
  return base32Encode(randomBytes(20));
}

/** The time step number for a time in milliseconds. */
export function currentStep(nowMs = Date.now()) {
  return Math.floor(nowMs / 1000 / STEP_SECONDS);
}

/** The code for a Base32 secret at a given step. */
export function totpAt(secret, step) {
  return totpForStep(secret, step);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = process.argv[2];
  if (!secret || secret === '--help' || secret === '-h') {
    console.error('usage: node scripts/totp.mjs BASE32SECRET   (prints the current 6-digit code)');
    process.exit(secret ? 0 : 2);
  }
  const now = Date.now();
  const left = STEP_SECONDS - (Math.floor(now / 1000) % STEP_SECONDS);
  console.log(`${totpAt(secret, currentStep(now))}  (valid for about ${left} more seconds)`);
}

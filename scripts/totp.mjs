#!/usr/bin/env node
// RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps), Caseport's authenticator parameters.
//
//   node scripts/totp.mjs BASE32SECRET     prints the current code (what an authenticator app shows)
//
// Also imported by bench/bench.mjs. Node built-ins only.
import { createHmac, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export const STEP_SECONDS = 30;
export const DIGITS = 6;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 Base32; spaces, '=' padding and lower case are accepted. */
export function base32Decode(text) {
  const clean = text.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  const out = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const value = ALPHABET.indexOf(ch);
    if (value < 0) throw new Error(`invalid Base32 character ${JSON.stringify(ch)}`);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** Encodes bytes as unpadded RFC 4648 Base32. */
export function base32Encode(bytes) {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

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
  const key = typeof secret === 'string' ? base32Decode(secret) : secret;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** DIGITS).padStart(DIGITS, '0');
}

/** The current code for a Base32 secret. */
export function totpNow(secret, nowMs = Date.now()) {
  return totpAt(secret, currentStep(nowMs));
}

function selfTest() {
  // RFC 6238 appendix B, SHA-1, truncated to 6 digits.
  const key = Buffer.from('12345678901234567890', 'ascii');
  const vectors = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ];
  for (const [t, want] of vectors) {
    const got = totpAt(key, Math.floor(t / STEP_SECONDS));
    if (got !== want) throw new Error(`TOTP self-test failed at T=${t}: ${got} != ${want}`);
  }
  if (base32Encode(base32Decode('JBSWY3DPEHPK3PXP')) !== 'JBSWY3DPEHPK3PXP') {
    throw new Error('Base32 round trip failed');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = process.argv[2];
  if (!secret || secret === '--help' || secret === '-h') {
    console.error('usage: node scripts/totp.mjs BASE32SECRET   (prints the current 6-digit code)');
    process.exit(secret ? 0 : 2);
  }
  if (secret === '--self-test') {
    selfTest();
    console.log('totp self-test: ok');
    process.exit(0);
  }
  const now = Date.now();
  const left = STEP_SECONDS - (Math.floor(now / 1000) % STEP_SECONDS);
  console.log(`${totpNow(secret, now)}  (valid for about ${left} more seconds)`);
}

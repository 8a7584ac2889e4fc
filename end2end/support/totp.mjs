// An independent RFC 6238 (TOTP) implementation used by the browser tests to act as the user's
// authentication app. It deliberately shares no code with the server (which uses totp-rs), so a
// mistake on either side shows up as a failing test instead of cancelling out.
//
// Plain ESM JavaScript with JSDoc types so that `node --test` can run its unit test without a
// TypeScript toolchain, while the TypeScript specs import it with full type checking (allowJs/checkJs).

import { createHmac } from 'node:crypto';

/** Length of one TOTP time step in seconds (RFC 6238 default, and the Caseport contract). */
export const STEP_SECONDS = 30;

/** Number of digits in a code (Caseport contract). */
export const DIGITS = 6;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Decodes RFC 4648 Base32. Whitespace (the UI groups the key in fours) and trailing `=` padding are
 * ignored, lower case is accepted.
 * @param {string} text
 * @returns {Buffer}
 */
export function base32Decode(text) {
  const clean = text.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  /** @type {number[]} */
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const value = BASE32_ALPHABET.indexOf(ch);
    if (value < 0) {
      throw new Error(`invalid Base32 character ${JSON.stringify(ch)} in TOTP key`);
    }
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >>> bits) & 0xff);
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

/**
 * Encodes bytes as unpadded RFC 4648 Base32 (used by the unit test to feed the RFC vectors through
 * the same decoding path as a key read from the page).
 * @param {Uint8Array} data
 * @returns {string}
 */
export function base32Encode(data) {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) {
    out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  }
  return out;
}

/**
 * RFC 4226 HOTP with HMAC-SHA1.
 * @param {Uint8Array} key
 * @param {number} counter
 * @param {number} [digits]
 * @returns {string}
 */
export function hotp(key, counter, digits = DIGITS) {
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new Error(`HOTP counter must be a non-negative integer, got ${counter}`);
  }
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary =
    ((mac[offset] & 0x7f) << 24) |
    ((mac[offset + 1] & 0xff) << 16) |
    ((mac[offset + 2] & 0xff) << 8) |
    (mac[offset + 3] & 0xff);
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * The time step (RFC 6238 "T") that contains the given Unix time.
 * @param {number} unixSeconds
 * @returns {number}
 */
export function stepAt(unixSeconds) {
  return Math.floor(unixSeconds / STEP_SECONDS);
}

/**
 * The code for a given time step.
 * @param {string} secret Base32 key, spaces allowed
 * @param {number} step
 * @returns {string}
 */
export function totpForStep(secret, step) {
  return hotp(base32Decode(secret), step, DIGITS);
}

/**
 * The 6-digit TOTP code (HMAC-SHA1, 30 s steps, T0 = 0) valid at the given Unix time.
 * @param {string} secret Base32 key as shown on the page (spaces are stripped)
 * @param {number} unixSeconds
 * @returns {string}
 */
export function totpAt(secret, unixSeconds) {
  return totpForStep(secret, stepAt(unixSeconds));
}

/** @returns {number} the current Unix time in whole seconds */
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

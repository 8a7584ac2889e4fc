// Unit test for the test suite's own TOTP implementation against the RFC 6238 Appendix B SHA-1
// vectors (truncated to 6 digits, which is what Caseport uses). Runs without the app:
//   npm run test:unit
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, hotp, totpAt, stepAt } from './totp.mjs';

const RFC_SECRET_ASCII = '12345678901234567890';
const RFC_SECRET_BASE32 = base32Encode(Buffer.from(RFC_SECRET_ASCII, 'ascii'));

test('Base32 round trip of the RFC 6238 SHA-1 key', () => {
  assert.equal(RFC_SECRET_BASE32, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.equal(base32Decode(RFC_SECRET_BASE32).toString('ascii'), RFC_SECRET_ASCII);
});

test('Base32 decoding ignores the spaces used to group the key on the page, and case', () => {
  const grouped = RFC_SECRET_BASE32.match(/.{1,4}/g)?.join(' ') ?? '';
  assert.equal(grouped, 'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
  assert.deepEqual(base32Decode(grouped), base32Decode(RFC_SECRET_BASE32));
  assert.deepEqual(base32Decode(` ${grouped.toLowerCase()}\n`), base32Decode(RFC_SECRET_BASE32));
});

test('Base32 decoding rejects characters outside the alphabet', () => {
  assert.throws(() => base32Decode('ABC1'), /invalid Base32 character/);
});

test('RFC 4226 Appendix D HOTP values', () => {
  const key = Buffer.from(RFC_SECRET_ASCII, 'ascii');
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, counter) => assert.equal(hotp(key, counter), code, `counter ${counter}`));
});

const vectors = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

for (const [time, code] of vectors) {
  test(`RFC 6238 SHA-1 vector at T=${time}s gives ${code}`, () => {
    assert.equal(totpAt(RFC_SECRET_BASE32, Number(time)), code);
  });
}

test('the step boundary is every 30 seconds', () => {
  assert.equal(stepAt(0), 0);
  assert.equal(stepAt(29), 0);
  assert.equal(stepAt(30), 1);
  assert.equal(stepAt(59), 1);
  assert.equal(totpAt(RFC_SECRET_BASE32, 30), totpAt(RFC_SECRET_BASE32, 59));
});

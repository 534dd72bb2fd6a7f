// RFC 6238 codes computed in the test from the manual key the server shows, with node's
// crypto: what a person's authenticator app does, independent of the server's liboath.
import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function decodeBase32(text) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const index = ALPHABET.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The six-digit code for the 30-second step that `timeMs` falls in (plus `stepOffset`). */
export function totpCode(base32Secret, { timeMs = Date.now(), stepOffset = 0 } = {}) {
  const step = Math.floor(timeMs / 1000 / 30) + stepOffset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', decodeBase32(base32Secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(number).padStart(6, '0');
}

/**
 * A code for a step the server has not seen used yet: codes work once, so a test that
 * signs in twice within 30 seconds uses the next step (accepted as one step of drift).
 */
export function freshTotpCode(base32Secret, usedSteps) {
  for (const offset of [0, 1]) {
    const step = Math.floor(Date.now() / 1000 / 30) + offset;
    if (usedSteps.every((s) => s < step)) {
      usedSteps.push(step);
      return totpCode(base32Secret, { stepOffset: offset });
    }
  }
  return null;
}

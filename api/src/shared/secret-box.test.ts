import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('round-trips, with a fresh IV each time and no plaintext in the output', () => {
    const box = new SecretBox(k1);
    const a = box.encrypt('client-secret~value');
    const b = box.encrypt('client-secret~value');
    expect(a).not.toBe(b);
    expect(a).not.toContain('client-secret');
    expect(box.decrypt(a)).toBe('client-secret~value');
    expect(box.decrypt(box.encrypt(''))).toBe('');
  });

  it('detects tampering', () => {
    const box = new SecretBox(k1);
    const parts = box.encrypt('secret').split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => box.decrypt(parts.join('.'))).toThrow();
  });

  it('decrypts with previous keys and flags values for re-encryption after rotation', () => {
    const old = new SecretBox(k1).encrypt('secret');
    const rotated = new SecretBox(k2, [k1]);
    expect(rotated.needsRotation(old)).toBe(true);
    const fresh = rotated.encrypt(rotated.decrypt(old));
    expect(rotated.needsRotation(fresh)).toBe(false);
    expect(() => new SecretBox(k2).decrypt(old)).toThrow(/ROLLCALL_SECRET_KEY_PREVIOUS/);
  });

  it('refuses keys of the wrong size', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

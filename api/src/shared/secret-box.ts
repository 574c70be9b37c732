import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets at rest with AES-256-GCM. The box holds the current key and any previous
 * ones: it encrypts with the current key, decrypts with whichever key a value names, and tells
 * which values need re-encrypting after a key rotation.
 * Format: `v1.<key id>.<iv>.<auth tag>.<ciphertext>` (base64url parts; the key id is the first
 * 8 bytes of the key's SHA-256, so keys are recognised without being stored).
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== 32) throw new Error('secret keys must be 32 bytes (base64 of 32 random bytes)');
      this.keys.set(SecretBox.keyId(key), key);
    }
    this.currentKeyId = SecretBox.keyId(current);
  }

  static keyId(key: Buffer): string {
    return createHash('sha256').update(key).digest().subarray(0, 8).toString('base64url');
  }

  /** A new random key, base64 encoded, for ROLLCALL_SECRET_KEY. */
  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.currentKeyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !keyId || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed secret');
    const key = this.keys.get(keyId);
    if (!key) throw new Error('this secret was encrypted with a key that is not configured (set it in ROLLCALL_SECRET_KEY_PREVIOUS)');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** True when a sealed value was encrypted with a key other than the current one. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentKeyId;
  }
}

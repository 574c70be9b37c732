import { randomBytes, randomUUID } from 'node:crypto';

/** Generates identifiers and secrets; injected so tests can make them deterministic. */
export interface IdGenerator {
  /** A new UUID for a database row. */
  uuid(): string;
  /** `bytes` of cryptographically random data, base64url encoded. */
  secret(bytes: number): string;
}

export const randomIds: IdGenerator = {
  uuid: () => randomUUID(),
  secret: (bytes) => randomBytes(bytes).toString('base64url'),
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID; ids that are not are answered NOT_FOUND without a query. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

import { errors } from '../shared/errors.js';

/** A stored field value: JSON scalars, missing values are null. */
export type Value = string | number | boolean | null;

/**
 * How one field of one person would change when a session is saved to its list:
 * - CLEAN: the list still holds the snapshot's value, so the session's value can go back;
 * - CONFLICT: the list changed since the snapshot to something else than the session's value;
 * - NOTHING: the list already holds the session's value;
 * - BLOCKED: the field is owned by the list's directory sync (photos excepted).
 */
export type ChangeKind = 'CLEAN' | 'CONFLICT' | 'NOTHING' | 'BLOCKED';

/** A reviewer's decision. APPROVED takes the session value (for a conflict too). */
export type Decision = 'PENDING' | 'APPROVED' | 'REJECTED' | 'KEEP_MASTER' | 'SKIPPED';

/** True when two stored values are the same value (a missing value equals null). */
export function sameValue(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

export interface Triple {
  field: string;
  base: Value;
  session: Value;
  master: Value;
  /** The provider that locks the field on this list (e.g. "Entra"), or null. */
  lockedBy: string | null;
  /** A photo field: always may go back, even on a synced list. */
  photo: boolean;
}

/** The classification of one base/session/master triple, with the reason when blocked. */
export function classifyChange(t: Triple): { kind: ChangeKind; blockedReason: string | null } {
  if (sameValue(t.session, t.master)) return { kind: 'NOTHING', blockedReason: null };
  if (t.lockedBy && !t.photo) return { kind: 'BLOCKED', blockedReason: errors.fieldLocked(t.field, t.lockedBy).message };
  if (sameValue(t.master, t.base)) return { kind: 'CLEAN', blockedReason: null };
  return { kind: 'CONFLICT', blockedReason: null };
}

/** Keys whose session value differs from the snapshot's (the session's edits), in a stable order. */
export function editedFields(base: Record<string, Value>, session: Record<string, Value>): string[] {
  const keys = new Set([...Object.keys(base), ...Object.keys(session)]);
  return [...keys].filter((k) => !sameValue(base[k], session[k])).sort();
}

const ALLOWED: Record<ChangeKind, readonly Decision[]> = {
  CLEAN: ['PENDING', 'APPROVED', 'REJECTED'],
  CONFLICT: ['PENDING', 'APPROVED', 'KEEP_MASTER', 'SKIPPED'],
  NOTHING: [],
  BLOCKED: [],
};

/** The decisions a change of this kind accepts; NOTHING and BLOCKED changes are not decided. */
export function allowedDecisions(kind: ChangeKind): readonly Decision[] {
  return ALLOWED[kind];
}

/**
 * What apply does with an approved change given the list's value now: write it, or send it back
 * to review because the list changed after the reviewer saw it (or the field became locked).
 */
export function applyStep(reviewedMaster: Value, current: Value, lockedBy: string | null, photo: boolean): 'WRITE' | 'RETURN' {
  if (!sameValue(reviewedMaster, current)) return 'RETURN';
  if (lockedBy && !photo) return 'RETURN';
  return 'WRITE';
}

/**
 * What rollback does with an applied change: restore the value it replaced, or report a conflict
 * because the field changed again since the apply (it is never clobbered).
 */
export function rollbackStep(applied: Value, current: Value, lockedBy: string | null, photo: boolean): 'RESTORE' | 'CONFLICT' {
  if (!sameValue(applied, current)) return 'CONFLICT';
  if (lockedBy && !photo) return 'CONFLICT';
  return 'RESTORE';
}

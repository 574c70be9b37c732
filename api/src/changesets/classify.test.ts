import { describe, expect, it } from 'vitest';
import { allowedDecisions, applyStep, classifyChange, editedFields, rollbackStep, type ChangeKind, type Triple, type Value } from './classify.js';

const T = (base: Value, session: Value, master: Value, extra: Partial<Triple> = {}): Triple => ({ field: 'email', base, session, master, lockedBy: null, photo: false, ...extra });

describe('classifyChange', () => {
  const cases: Array<[string, Triple, ChangeKind]> = [
    ['master unchanged since the snapshot: clean', T('a@x.test', 'b@x.test', 'a@x.test'), 'CLEAN'],
    ['master changed to something else: conflict', T('a@x.test', 'b@x.test', 'c@x.test'), 'CONFLICT'],
    ['master changed to the session value: nothing', T('a@x.test', 'b@x.test', 'b@x.test'), 'NOTHING'],
    ['value added where there was none: clean', T(null, 'b@x.test', null), 'CLEAN'],
    ['value cleared in the session: clean', T('a@x.test', null, 'a@x.test'), 'CLEAN'],
    ['cleared in the session, cleared in the list: nothing', T('a@x.test', null, null), 'NOTHING'],
    ['cleared in the session, changed in the list: conflict', T('a@x.test', null, 'c@x.test'), 'CONFLICT'],
    ['number 7 and text "7" differ', T(7, '7', 7), 'CLEAN'],
    ['false is a value, not a missing one', T(null, false, null), 'CLEAN'],
    ['locked field: blocked', T('a', 'b', 'a', { lockedBy: 'Entra' }), 'BLOCKED'],
    ['locked field, conflict too: blocked', T('a', 'b', 'c', { lockedBy: 'Entra' }), 'BLOCKED'],
    ['locked field already equal: nothing', T('a', 'b', 'b', { lockedBy: 'Entra' }), 'NOTHING'],
    ['locked photo field: still clean', T(null, '/session-photos/x', null, { lockedBy: 'Entra', photo: true }), 'CLEAN'],
    ['locked photo field changed meanwhile: conflict', T('/p1', '/p2', '/p3', { lockedBy: 'Entra', photo: true }), 'CONFLICT'],
  ];
  it.each(cases)('%s', (_name, triple, kind) => {
    expect(classifyChange(triple).kind).toBe(kind);
  });

  it('names the provider and the fix when blocked', () => {
    expect(classifyChange(T('a', 'b', 'a', { lockedBy: 'Entra' })).blockedReason).toBe(
      '"email" is managed by the Entra sync of this list; edit it in Entra or disconnect the sync.',
    );
    expect(classifyChange(T('a', 'b', 'a')).blockedReason).toBeNull();
  });
});

describe('editedFields', () => {
  const cases: Array<[string, Record<string, Value>, Record<string, Value>, string[]]> = [
    ['no edits', { a: 1, b: 'x' }, { a: 1, b: 'x' }, []],
    ['one changed', { a: 1, b: 'x' }, { a: 1, b: 'y' }, ['b']],
    ['added and removed, sorted', { b: 'x' }, { a: 1 }, ['a', 'b']],
    ['a missing key equals null', { a: null }, {}, []],
  ];
  it.each(cases)('%s', (_n, base, session, keys) => {
    expect(editedFields(base, session)).toEqual(keys);
  });
});

describe('decisions, apply and rollback steps', () => {
  it.each([
    ['CLEAN', ['PENDING', 'APPROVED', 'REJECTED']],
    ['CONFLICT', ['PENDING', 'APPROVED', 'KEEP_MASTER', 'SKIPPED']],
    ['NOTHING', []],
    ['BLOCKED', []],
  ] as const)('%s accepts %j', (kind, decisions) => {
    expect(allowedDecisions(kind)).toEqual(decisions);
  });

  it.each([
    ['list unchanged since review: write', 'a', 'a', null, false, 'WRITE'],
    ['list changed since review: back to review', 'a', 'b', null, false, 'RETURN'],
    ['field locked since review: back to review', 'a', 'a', 'Entra', false, 'RETURN'],
    ['photo on a locked list: write', 'a', 'a', 'Entra', true, 'WRITE'],
  ] as const)('apply: %s', (_n, reviewed, current, locked, photo, step) => {
    expect(applyStep(reviewed, current, locked, photo)).toBe(step);
  });

  it.each([
    ['field unchanged since apply: restore', 'new', 'new', null, false, 'RESTORE'],
    ['field changed since apply: conflict', 'new', 'later', null, false, 'CONFLICT'],
    ['field cleared since apply: conflict', 'new', null, null, false, 'CONFLICT'],
    ['field locked since apply: conflict', 'new', 'new', 'Entra', false, 'CONFLICT'],
    ['photo on a locked list: restore', '/p', '/p', 'Entra', true, 'RESTORE'],
  ] as const)('rollback: %s', (_n, applied, current, locked, photo, step) => {
    expect(rollbackStep(applied, current, locked, photo)).toBe(step);
  });
});

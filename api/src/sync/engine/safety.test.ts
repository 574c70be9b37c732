import { describe, expect, it } from 'vitest';
import { checkReview, describeRejected, splitForReview, withoutRejected } from './safety.js';
import { emptyPlan } from './plan.js';

const counts = (created: number, updated: number, deactivated: number, reactivated: number) => ({ created, updated, deactivated, reactivated });

describe('checkReview ("review directory changes before applying")', () => {
  it.each([
    ['setting off: never holds', counts(5, 5, 5, 5), false, [], null],
    ['nothing to do: applies', counts(0, 0, 0, 0), true, [], null],
    ['only auto-approved kinds: applies', counts(3, 2, 0, 0), true, ['CREATES', 'UPDATES'], null],
    ['a deactivation not auto-approved: holds', counts(3, 2, 1, 0), true, ['CREATES', 'UPDATES'], 'this list reviews directory changes before applying: 1 deactivation awaits approval; 3 new people, 2 updates (auto-approved) applied at once'],
    ['no rules: holds every kind, named', counts(1, 2, 0, 3), true, [], 'this list reviews directory changes before applying: 1 new person, 2 updates, 3 reactivations await approval'],
    ['everything auto-approved: applies', counts(1, 1, 1, 1), true, ['CREATES', 'UPDATES', 'REACTIVATIONS', 'DEACTIVATIONS'], null],
  ] as const)('%s', (_name, c, review, autoApprove, reason) => {
    const verdict = checkReview(c, { review, autoApprove });
    expect(verdict.halt ? verdict.reason : null).toBe(reason);
  });
});

describe('splitForReview', () => {
  it('applies the auto-approved kinds now and holds the rest, with the problems kept on the held plan', () => {
    const c = { anchor: 'a', uid: 'A', values: {} };
    const d = { personId: 'p', uid: 'D', reason: 'removed_from_scope' };
    const plan = { ...emptyPlan(), creates: [c], deactivations: [d], unchanged: 4, problems: [{ anchor: 'x', reason: 'bad' }] } as unknown as ReturnType<typeof emptyPlan>;
    const verdict = checkReview({ created: 1, updated: 0, deactivated: 1, reactivated: 0 }, { review: true, autoApprove: ['CREATES'] });
    expect(verdict).toMatchObject({ halt: true, held: ['DEACTIVATIONS'], applied: ['CREATES'] });
    const { now, held } = splitForReview(plan, verdict.halt ? verdict.held : []);
    expect(now).toMatchObject({ creates: [c], deactivations: [], problems: [] });
    expect(held).toMatchObject({ creates: [], deactivations: [d], unchanged: 4, problems: [{ anchor: 'x', reason: 'bad' }] });
  });
});

describe('withoutRejected (an administrator rejects part of a held plan)', () => {
  const create = (uid: string) => ({ anchor: uid.toLowerCase(), uid, values: {} });
  const status = (uid: string) => ({ personId: `p-${uid}`, uid, reason: 'removed_from_scope' as const });
  const plan = { ...emptyPlan(), creates: [create('A'), create('B')], deactivations: [status('D1'), status('D2'), status('D3')], reactivations: [status('R')], unchanged: 7 };

  it('keeps everything when nothing is rejected', () => {
    const { approved, rejected } = withoutRejected(plan, {});
    expect(approved).toEqual(plan);
    expect(describeRejected(rejected)).toBe('');
  });

  it('drops whole kinds and single changes, counting what it dropped, and leaves the input alone', () => {
    const { approved, rejected } = withoutRejected(plan, { kinds: ['REACTIVATIONS'], changes: [{ kind: 'DEACTIVATIONS', uid: 'D2' }, { kind: 'CREATES', uid: 'B' }, { kind: 'UPDATES', uid: 'A' }] });
    expect(approved.creates.map((c) => c.uid)).toEqual(['A']);
    expect(approved.deactivations.map((c) => c.uid)).toEqual(['D1', 'D3']);
    expect(approved.reactivations).toEqual([]);
    expect(approved.unchanged).toBe(7);
    expect(rejected).toEqual({ created: 1, updated: 0, deactivated: 1, reactivated: 1 });
    expect(describeRejected(rejected)).toBe('3 changes rejected (1 new person, 1 reactivation, 1 deactivation)');
    expect(plan.deactivations).toHaveLength(3);
  });

  it('matches single changes by kind as well as UID', () => {
    // A UID that is a create must not reject a deactivation of the same UID, and vice versa.
    const { approved } = withoutRejected(plan, { changes: [{ kind: 'DEACTIVATIONS', uid: 'A' }] });
    expect(approved.creates).toHaveLength(2);
    expect(approved.deactivations).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import { checkReview, splitForReview } from './safety.js';
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

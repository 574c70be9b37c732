import { describe, expect, it } from 'vitest';
import { checkReview } from './safety.js';

const counts = (created: number, updated: number, deactivated: number, reactivated: number) => ({ created, updated, deactivated, reactivated });

describe('checkReview ("review directory changes before applying")', () => {
  it.each([
    ['setting off: never holds', counts(5, 5, 5, 5), false, [], null],
    ['nothing to do: applies', counts(0, 0, 0, 0), true, [], null],
    ['only auto-approved kinds: applies', counts(3, 2, 0, 0), true, ['CREATES', 'UPDATES'], null],
    ['a deactivation not auto-approved: holds', counts(3, 2, 1, 0), true, ['CREATES', 'UPDATES'], 'this list reviews directory changes before applying: 1 deactivation awaits approval'],
    ['no rules: holds every kind, named', counts(1, 2, 0, 3), true, [], 'this list reviews directory changes before applying: 1 new person, 2 updates, 3 reactivations await approval'],
    ['everything auto-approved: applies', counts(1, 1, 1, 1), true, ['CREATES', 'UPDATES', 'REACTIVATIONS', 'DEACTIVATIONS'], null],
  ] as const)('%s', (_name, c, review, autoApprove, reason) => {
    const verdict = checkReview(c, { review, autoApprove });
    expect(verdict.halt ? verdict.reason : null).toBe(reason);
  });
});

/** Per-list limits on how much one run may deactivate before a person looks at it. */
export interface DeactivationThreshold {
  /** Halt when a run would deactivate more than this share of the active people (0-100). */
  percent: number;
  /** Halt when a run would deactivate more than this many people. */
  absolute: number;
}

export const DEFAULT_THRESHOLD: DeactivationThreshold = { percent: 20, absolute: 500 };

export type SafetyVerdict = { halt: false } | { halt: true; reason: string };

/**
 * Decides whether a plan may be applied without review. A full run whose source returned nobody
 * never empties a list (an expired credential or a wrong group looks exactly like that), and a
 * run that would deactivate more than the threshold halts with its plan kept for approval.
 */
export function checkSafety(plan: { deactivations: { length: number } }, activeCount: number, seen: number, mode: 'full' | 'delta', limit: DeactivationThreshold = DEFAULT_THRESHOLD): SafetyVerdict {
  if (mode === 'full' && seen === 0 && activeCount > 0) {
    return { halt: true, reason: `the source returned no people while the list has ${activeCount} active; nothing was deactivated` };
  }
  const n = plan.deactivations.length;
  if (n === 0 || activeCount === 0) return { halt: false };
  const share = (n / activeCount) * 100;
  if (n > limit.absolute) return { halt: true, reason: `${n} people would be deactivated, more than the limit of ${limit.absolute}` };
  if (share > limit.percent) {
    return { halt: true, reason: `${n} of ${activeCount} active people (${share.toFixed(1)}%) would be deactivated, more than the limit of ${limit.percent}%` };
  }
  return { halt: false };
}

/** Kinds of change a list that reviews directory changes may apply without review. */
export type AutoApproveKind = 'CREATES' | 'UPDATES' | 'REACTIVATIONS' | 'DEACTIVATIONS';
export const AUTO_APPROVE_KINDS: readonly AutoApproveKind[] = ['CREATES', 'UPDATES', 'REACTIVATIONS', 'DEACTIVATIONS'];

const KIND_WORDS: Record<AutoApproveKind, [string, string, keyof PlanCountsForReview]> = {
  CREATES: ['new person', 'new people', 'created'],
  UPDATES: ['update', 'updates', 'updated'],
  REACTIVATIONS: ['reactivation', 'reactivations', 'reactivated'],
  DEACTIVATIONS: ['deactivation', 'deactivations', 'deactivated'],
};
type PlanCountsForReview = { created: number; updated: number; deactivated: number; reactivated: number };

/**
 * The list setting "review directory changes before applying": a plan holding any kind of change
 * the list does not auto-approve halts with its plan kept, like a safety limit, for approval.
 */
export function checkReview(counts: PlanCountsForReview, policy: { review: boolean; autoApprove: readonly string[] }): SafetyVerdict {
  if (!policy.review) return { halt: false };
  const held = AUTO_APPROVE_KINDS.filter((k) => !policy.autoApprove.includes(k) && counts[KIND_WORDS[k][2]] > 0);
  if (held.length === 0) return { halt: false };
  const what = held.map((k) => `${counts[KIND_WORDS[k][2]]} ${counts[KIND_WORDS[k][2]] === 1 ? KIND_WORDS[k][0] : KIND_WORDS[k][1]}`).join(', ');
  const one = held.length === 1 && counts[KIND_WORDS[held[0]!][2]] === 1;
  return { halt: true, reason: `this list reviews directory changes before applying: ${what} await${one ? 's' : ''} approval` };
}

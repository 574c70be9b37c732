import type { Plan } from './types.js';

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

const KIND_WORDS: Record<AutoApproveKind, [string, string, keyof PlanCountsForReview, PlanKindKey]> = {
  CREATES: ['new person', 'new people', 'created', 'creates'],
  UPDATES: ['update', 'updates', 'updated', 'updates'],
  REACTIVATIONS: ['reactivation', 'reactivations', 'reactivated', 'reactivations'],
  DEACTIVATIONS: ['deactivation', 'deactivations', 'deactivated', 'deactivations'],
};
type PlanCountsForReview = { created: number; updated: number; deactivated: number; reactivated: number };
type PlanKindKey = 'creates' | 'updates' | 'deactivations' | 'reactivations';

/** "2 updates, 1 deactivation": how many changes of the given kinds, in words. */
function describeKinds(kinds: readonly AutoApproveKind[], counts: PlanCountsForReview): string {
  return kinds.map((k) => `${counts[KIND_WORDS[k][2]]} ${counts[KIND_WORDS[k][2]] === 1 ? KIND_WORDS[k][0] : KIND_WORDS[k][1]}`).join(', ');
}

export type ReviewVerdict = { halt: false } | { halt: true; reason: string; held: AutoApproveKind[]; applied: AutoApproveKind[] };

/**
 * The list setting "review directory changes before applying": a plan holding any kind of change
 * the list does not auto-approve is held for approval, like a safety limit; the kinds it does
 * auto-approve (`applied`) are not held, so the runner applies them at once (see `splitForReview`).
 */
export function checkReview(counts: PlanCountsForReview, policy: { review: boolean; autoApprove: readonly string[] }): ReviewVerdict {
  if (!policy.review) return { halt: false };
  const present = AUTO_APPROVE_KINDS.filter((k) => counts[KIND_WORDS[k][2]] > 0);
  const held = present.filter((k) => !policy.autoApprove.includes(k));
  if (held.length === 0) return { halt: false };
  const applied = present.filter((k) => policy.autoApprove.includes(k));
  const one = held.length === 1 && counts[KIND_WORDS[held[0]!][2]] === 1;
  const rest = applied.length ? `; ${describeKinds(applied, counts)} (auto-approved) applied at once` : '';
  return { halt: true, reason: `this list reviews directory changes before applying: ${describeKinds(held, counts)} await${one ? 's' : ''} approval${rest}`, held, applied };
}

/** Splits a plan along a review verdict: the auto-approved kinds to apply now, the rest to hold. */
export function splitForReview(plan: Plan, held: readonly AutoApproveKind[]): { now: Plan; held: Plan } {
  const now: Plan = { ...plan, problems: [] };
  const kept: Plan = { ...plan };
  for (const k of AUTO_APPROVE_KINDS) {
    const key = KIND_WORDS[k][3];
    if (held.includes(k)) now[key] = [];
    else kept[key] = [];
  }
  return { now, held: kept };
}

/** An administrator's decisions on a held plan: whole kinds rejected, and single changes by UID. */
export interface HeldPlanRejections {
  kinds?: readonly AutoApproveKind[];
  changes?: ReadonlyArray<{ kind: AutoApproveKind; uid: string }>;
}

/**
 * A held plan without the changes an administrator rejected: the approved rest is what apply
 * writes. Rejected changes are not written; the people they concern stay as they are, and the
 * next run plans them again if the source still says so.
 */
export function withoutRejected(plan: Plan, rejections: HeldPlanRejections): { approved: Plan; rejected: PlanCountsForReview } {
  const approved: Plan = { ...plan };
  const rejected: PlanCountsForReview = { created: 0, updated: 0, deactivated: 0, reactivated: 0 };
  for (const k of AUTO_APPROVE_KINDS) {
    const [, , count, key] = KIND_WORDS[k];
    const uids = new Set((rejections.changes ?? []).filter((c) => c.kind === k).map((c) => c.uid));
    const whole = rejections.kinds?.includes(k) ?? false;
    if (!whole && uids.size === 0) continue;
    const before = plan[key].length;
    approved[key] = whole ? [] : (plan[key] as Array<{ uid: string }>).filter((c) => !uids.has(c.uid)) as never;
    rejected[count] = before - approved[key].length;
  }
  return { approved, rejected };
}

/** "3 changes rejected (2 deactivations, 1 update)", or '' when nothing was rejected. */
export function describeRejected(rejected: PlanCountsForReview): string {
  const kinds = AUTO_APPROVE_KINDS.filter((k) => rejected[KIND_WORDS[k][2]] > 0);
  const total = kinds.reduce((s, k) => s + rejected[KIND_WORDS[k][2]], 0);
  if (total === 0) return '';
  return `${total} change${total === 1 ? '' : 's'} rejected (${describeKinds(kinds, rejected)})`;
}

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

// How sync runs are described to people: statuses, modes, phases, counts, durations, reasons.
import type { SyncRunPartsFragment } from '../../../gql/graphql';

export type Run = SyncRunPartsFragment;
export type CountKey = keyof Omit<Run['counts'], '__typename'>;

/** Whether a run's change counts were written: not for a dry run, a halt or a cancelled plan. */
export const written = (run: Pick<Run, 'mode' | 'status'>): boolean => run.mode !== 'DRY_RUN' && run.status !== 'HALTED' && run.status !== 'CANCELLED';

export const isActive = (run: Pick<Run, 'status'> | null | undefined): boolean => run?.status === 'QUEUED' || run?.status === 'RUNNING';

export const STATUS: Record<string, { label: string; pill: string }> = {
  QUEUED: { label: 'Queued', pill: 'brand' },
  RUNNING: { label: 'Running', pill: 'brand' },
  SUCCEEDED: { label: 'Succeeded', pill: 'ok' },
  FAILED: { label: 'Failed', pill: 'bad' },
  HALTED: { label: 'Halted', pill: 'warn' },
  CANCELLED: { label: 'Cancelled', pill: 'off' },
};

export const MODE: Record<string, string> = { DELTA: 'Delta', FULL: 'Full', DRY_RUN: 'Dry run' };

/** The mode as asked for, and whether a delta read everything (a list's first run, an expired delta link). */
export function modeLabel(run: Pick<Run, 'mode' | 'readInFull'>): string {
  const mode = MODE[run.mode] ?? run.mode;
  return run.readInFull ? `${mode}, read in full` : mode;
}

/** What a run is called: "Full sync", "Delta sync", or for a file "CSV import" (its mode says nothing then). */
export function runKind(run: Pick<Run, 'mode' | 'source'>): string {
  if (run.mode === 'DRY_RUN') return 'Dry run';
  return run.source === 'csv' ? 'CSV import' : `${MODE[run.mode]} sync`;
}
export const TRIGGER: Record<string, string> = { MANUAL: 'Manual', SCHEDULE: 'Schedule', RETRY: 'Retry' };

/** What started a run: "Manual", "Schedule", or which automatic retry ("Retry 2"). */
export function triggerLabel(run: Pick<Run, 'trigger' | 'attempt'>): string {
  const label = TRIGGER[run.trigger] ?? run.trigger;
  return run.trigger === 'RETRY' && run.attempt > 0 ? `${label} ${run.attempt}` : label;
}

/** A halted run a newer run made out of date: the server cancels it with a "superseded: …" reason. */
export const superseded = (run: Pick<Run, 'status' | 'reason'>): boolean => run.status === 'CANCELLED' && /^superseded\b/.test(run.reason ?? '');

/**
 * A run the list's "review directory changes before applying" setting held (rather than the
 * deactivation limit): the server's reason says so, and whether auto-approved kinds were applied.
 */
export function heldByReview(run: Pick<Run, 'status' | 'reason'>): { applied: boolean } | null {
  if (run.status !== 'HALTED' || !/^this list reviews directory changes before applying\b/.test(run.reason ?? '')) return null;
  return { applied: /\bapplied at once$/.test(run.reason ?? '') };
}

/** A run's status as shown: a superseded plan reads as such rather than as cancelled by someone. */
export function statusOf(run: Pick<Run, 'status' | 'reason'>): { label: string; pill: string } {
  if (superseded(run)) return { label: 'Superseded', pill: 'off' };
  return STATUS[run.status] ?? { label: run.status, pill: 'off' };
}

/** The server's reason as a sentence, except for a superseded run, which says so in plain words. */
export function reasonText(run: Pick<Run, 'status' | 'reason'>): string {
  if (superseded(run)) return 'Superseded by a newer run: the plan it held for review was out of date, so it was discarded.';
  const r = run.reason ?? '';
  return r ? `${r.charAt(0).toUpperCase()}${r.slice(1)}` : '';
}

/** The phases a run goes through, in order, as the stepper shows them. */
export const PHASES = [
  { key: 'QUEUED', label: 'Queued' },
  { key: 'READING', label: 'Reading' },
  { key: 'PLANNING', label: 'Planning' },
  { key: 'APPLYING', label: 'Applying' },
  { key: 'DONE', label: 'Done' },
] as const;

/** Counts in the order they are shown, with the colour of their chart segment. */
// `ink` is the same colour dark enough for text (WCAG AA on white).
export const COUNTS: ReadonlyArray<{ key: CountKey; label: string; color?: string; ink?: string }> = [
  { key: 'seen', label: 'Read' },
  { key: 'created', label: 'Created', color: '#059669', ink: '#047857' },
  { key: 'updated', label: 'Updated', color: '#4f46e5', ink: '#4338ca' },
  { key: 'deactivated', label: 'Deactivated', color: '#dc2626', ink: '#b91c1c' },
  { key: 'reactivated', label: 'Reactivated', color: '#d97706', ink: '#b45309' },
  { key: 'unchanged', label: 'Unchanged' },
  { key: 'photos', label: 'Photos' },
  { key: 'errors', label: 'Errors' },
];

/** The kinds of change a run makes, as stacked in the chart. */
export const CHANGE_KINDS = COUNTS.filter((c) => c.color) as ReadonlyArray<{ key: CountKey; label: string; color: string; ink: string }>;

/** Why a planned status change happens, in words; a file's people leave by not being in it. */
export function changeReason(reason: string | null | undefined, source?: string | null): string {
  if (!reason) return '';
  if (source === 'csv' && reason === 'removed_from_scope') return 'Not in the file';
  if (source === 'csv' && reason === 'back_in_scope') return 'Back in the file';
  return (
    ({ removed_from_scope: 'No longer in the sync scope', disabled_at_source: 'Account disabled in Entra ID', back_in_scope: 'Back in the sync scope' } as Record<string, string>)[reason] ??
    reason.replace(/_/g, ' ')
  );
}

/** "1 h 4 min", "2 min 5 s", "12 s": how long a run took (or has taken so far). */
export function formatDuration(run: Pick<Run, 'startedAt' | 'createdAt' | 'finishedAt'>, now = Date.now()): string {
  const from = run.startedAt ?? run.createdAt;
  const to = run.finishedAt ? new Date(run.finishedAt).getTime() : now;
  const s = Math.max(0, Math.round((to - new Date(from).getTime()) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const n = (value: number): string => value.toLocaleString();

/**
 * How many records a run will read, when a previous run read the whole scope: the API gives no
 * total, so a full read is measured against the last complete read. Delta runs read only changes
 * and have no known total.
 */
export function expectedTotal(run: Run, history: readonly Run[]): number | null {
  const firstRead = !history.some((r) => r.id !== run.id && r.status === 'SUCCEEDED' && r.mode !== 'DRY_RUN');
  if (run.mode === 'DELTA' && !firstRead) return null;
  // A delta run that fell back to a full read says so in its reason.
  const fullRead = (r: Run) => r.mode !== 'DELTA' || /full read|every person is read again/.test(r.reason ?? '');
  const previous = history.find((r) => r.id !== run.id && fullRead(r) && (r.status === 'SUCCEEDED' || r.status === 'HALTED') && r.counts.seen > 0);
  return previous?.counts.seen ?? null;
}

/** A short, plain sentence of what a finished run did (or would do, for a dry run or a halt). */
export function describeOutcome(run: Run): string {
  const c = run.counts;
  const would = !written(run);
  const parts = CHANGE_KINDS.filter((k) => c[k.key] > 0).map((k) => `${n(c[k.key])} ${would ? `to be ${k.label.toLowerCase()}` : k.label.toLowerCase()}`);
  if (!parts.length) parts.push(c.seen === 0 ? 'nothing had changed' : c.errors ? `${n(c.seen)} read, ${n(c.unchanged)} already up to date` : `${n(c.seen)} read, everyone already up to date`);
  if (c.errors) parts.push(`${n(c.errors)} could not be synced`);
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A readable name for a person from their values: first and last name, a name field, else the email. */
export function personName(values: Record<string, unknown> | null | undefined): string {
  if (!values) return '';
  const pick = (re: RegExp) => Object.entries(values).find(([k, v]) => re.test(k) && typeof v === 'string' && v)?.[1] as string | undefined;
  const first = pick(/(^|_)(given|first)_?name$/);
  const last = pick(/(^|_)(surname|last_?name|family_?name)$/);
  if (first || last) return [first, last].filter(Boolean).join(' ');
  return pick(/(^|_)(display_?name|full_?name|name)$/) ?? pick(/e?mail/) ?? '';
}

/** A kind of planned change, as the run preview names it. */
export type PlanKind = 'creates' | 'updates' | 'deactivations' | 'reactivations';
/** The API's name of each kind (AutoApproveKind), for approveSyncRun's rejections. */
export const PLAN_KIND_API = { creates: 'CREATES', updates: 'UPDATES', deactivations: 'DEACTIVATIONS', reactivations: 'REACTIVATIONS' } as const;
/** What an administrator rejects of a held run: whole kinds, and single changes by UID. */
export interface Rejections {
  kinds: Array<(typeof PLAN_KIND_API)[PlanKind]>;
  changes: Array<{ kind: (typeof PLAN_KIND_API)[PlanKind]; uid: string }>;
}
/** The review screen's decisions on a held run, kept while it is reviewed. */
export interface HeldDecisions {
  kinds: Set<PlanKind>;
  /** `${kind}:${uid}` of the single changes rejected. */
  changes: Set<string>;
}
export const changeKey = (kind: PlanKind, uid: string): string => `${kind}:${uid}`;
/** Decisions as approveSyncRun takes them (a rejected kind covers its single changes). */
export function toRejections(d: HeldDecisions): Rejections {
  return {
    kinds: [...d.kinds].map((k) => PLAN_KIND_API[k]),
    changes: [...d.changes].flatMap((key) => {
      const at = key.indexOf(':');
      const kind = key.slice(0, at) as PlanKind;
      return d.kinds.has(kind) ? [] : [{ kind: PLAN_KIND_API[kind], uid: key.slice(at + 1) }];
    }),
  };
}

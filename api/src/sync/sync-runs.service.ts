import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../shared/ids.js';
import { errors } from '../shared/errors.js';
import type { Viewer } from '../auth/viewer.js';
import type { RunCounts, RunMode, RunStatus } from './engine/runner.js';
import type { PlanProblem } from './engine/types.js';

/** A sync run as the API shows it. */
export interface SyncRunView {
  id: string;
  listId: string;
  source: string;
  trigger: 'MANUAL' | 'SCHEDULE' | 'RETRY';
  mode: RunMode;
  /** A delta asked for that read its source in full (a list's first run, an expired delta link). */
  readInFull: boolean;
  status: RunStatus;
  phase: string;
  counts: Required<RunCounts>;
  errors: PlanProblem[];
  reason: string | null;
  startedBy: string | null;
  /** Which automatic retry this is (0 for a run started by a person or the schedule). */
  attempt: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const COLUMNS = `id, list_id, source, trigger, mode, read_in_full, status, phase, counts, errors, reason, started_by, attempt, created_at, started_at, finished_at`;

function view(r: Record<string, unknown>): SyncRunView {
  const date = (v: unknown) => (v ? new Date(v as string) : null);
  return {
    id: r.id as string,
    listId: r.list_id as string,
    source: r.source as string,
    trigger: r.trigger as SyncRunView['trigger'],
    mode: r.mode as RunMode,
    readInFull: r.read_in_full === true,
    status: r.status as RunStatus,
    phase: r.phase as string,
    counts: { seen: 0, created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 0, photos: 0, ...(r.counts as Partial<RunCounts>) },
    errors: r.errors as PlanProblem[],
    reason: r.reason as string | null,
    startedBy: r.started_by as string | null,
    attempt: Number(r.attempt ?? 0),
    createdAt: new Date(r.created_at as string),
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
  };
}

/** The first planned changes of each kind of a halted or dry run, for review. */
export interface RunPreview {
  creates: Array<{ uid: string; values: Record<string, unknown> }>;
  updates: Array<{ personId: string; uid: string; changes: Array<{ field: string; before: unknown; after: unknown }> }>;
  deactivations: Array<{ personId: string; uid: string; reason: string; values?: Record<string, unknown> | null }>;
  reactivations: Array<{ personId: string; uid: string; reason: string; values?: Record<string, unknown> | null }>;
}

/** Reads sync runs, always within the caller's organisation. */
export class SyncRunsService {
  async get(em: EntityManager, viewer: Viewer, id: string): Promise<SyncRunView> {
    const rows = isUuid(id) ? await em.execute<Array<Record<string, unknown>>>(`SELECT ${COLUMNS} FROM sync_run WHERE id = ? AND organization_id = ?`, [id, viewer.organizationId]) : [];
    if (!rows[0]) throw errors.notFound('Sync run', id);
    return view(rows[0]);
  }

  /** A list's runs, newest first. */
  async list(em: EntityManager, viewer: Viewer, listId: string, first: number): Promise<SyncRunView[]> {
    if (!Number.isInteger(first) || first < 1 || first > 200) throw errors.badInput('"first" must be a whole number from 1 to 200.', 'first');
    const rows = await em.execute<Array<Record<string, unknown>>>(
      `SELECT ${COLUMNS} FROM sync_run WHERE list_id = ? AND organization_id = ? ORDER BY created_at DESC, id LIMIT ?`,
      [listId, viewer.organizationId, first],
    );
    return rows.map(view);
  }

  /**
   * The first `first` planned changes of each kind, sliced in SQL so a plan of 100,000 changes
   * is never loaded whole; null when the run kept no plan.
   */
  async preview(em: EntityManager, organizationId: string, runId: string, first: number): Promise<RunPreview | null> {
    const n = Math.max(1, Math.min(first, 500)) - 1;
    const slice = (kind: string) => `jsonb_path_query_array(held_plan, '$.${kind}[0 to ${n}]') AS ${kind}`;
    const rows = await em.execute<Array<{ creates: RunPreview['creates']; updates: RunPreview['updates']; deactivations: RunPreview['deactivations']; reactivations: RunPreview['reactivations'] }>>(
      `SELECT ${['creates', 'updates', 'deactivations', 'reactivations'].map(slice).join(', ')}
         FROM sync_run WHERE id = ? AND organization_id = ? AND held_plan IS NOT NULL`,
      [runId, organizationId],
    );
    const p = rows[0];
    if (!p) return null;
    // Who would change status, by their current values (one query), so a reviewer sees names.
    const ids = [...p.deactivations, ...p.reactivations].map((c) => c.personId);
    if (ids.length > 0) {
      const people = await em.execute<Array<{ id: string; values: Record<string, unknown> }>>(
        `SELECT id, "values" FROM person WHERE organization_id = ? AND id = ANY(?::uuid[])`,
        [organizationId, `{${ids.join(',')}}`],
      );
      const byId = new Map(people.map((x) => [x.id, x.values]));
      for (const c of [...p.deactivations, ...p.reactivations]) c.values = byId.get(c.personId) ?? null;
    }
    return p;
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../db/orm.js';
import { createLogger } from '../../shared/logger.js';
import { randomIds } from '../../shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/database.js';
import { STALE_AFTER_MS, SyncRunner, type Source } from './runner.js';
import type { SourceRecord } from './types.js';

const ORG = '20000000-0000-4000-8000-000000000001';
const LIST = '20000000-0000-4000-8000-000000000002';
/** A second list, for the review setting, so its runs do not disturb the first's. */
const REVIEWED = '20000000-0000-4000-8000-000000000003';
const actor = { type: 'SYNC' as const, id: null, label: 'test directory' };

/** An in-memory directory that pages its users like a real source would. */
function directory(users: SourceRecord[], pageSize = 100, opts: { failAfterPages?: number; removed?: string[] } = {}): Source {
  return {
    name: 'entra',
    async *pages() {
      for (let i = 0, n = 0; i < users.length; i += pageSize, n++) {
        if (opts.failAfterPages !== undefined && n === opts.failAfterPages) throw new Error('connection reset by the directory');
        yield users.slice(i, i + pageSize);
      }
    },
    removedAnchors: () => opts.removed ?? [],
  };
}
const users = (n: number, dept = 'Science'): SourceRecord[] =>
  Array.from({ length: n }, (_, i) => ({ anchor: `obj-${i}`, active: true, attributes: { employeeId: `E${i}`, mail: `E${i}@X.test`, department: dept } }));

describe('SyncRunner against PostgreSQL', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let now = new Date('2026-11-23T09:00:00Z');
  const clock = { now: () => now };
  let runner: SyncRunner;
  const run = (source: Source, mode: 'FULL' | 'DELTA' | 'DRY_RUN' = 'FULL') =>
    runner.run({ organizationId: ORG, listId: LIST, source, trigger: 'MANUAL', mode, actor });
  const sql = async <T extends Array<Record<string, unknown>>>(q: string, p: unknown[] = []) => orm.em.getConnection().execute<T>(q, p);

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm(db.url);
    runner = new SyncRunner({ orm, clock, ids: randomIds, logger: createLogger('silent') });
    await sql(`INSERT INTO organization (id, name) VALUES (?, 'Org')`, [ORG]);
    const fields: Array<[string, string, string, string | null]> = [
      ['employee_id', 'TEXT', 'employeeId', 'TRIM'],
      ['email', 'EMAIL', 'mail', 'LOWERCASE'],
      ['department', 'TEXT', 'department', 'DIRECT'],
      ['badge', 'TEXT', '', null],
    ];
    for (const list of [LIST, REVIEWED]) {
      await sql(`INSERT INTO master_list (id, organization_id, name) VALUES (?, ?, ?)`, [list, ORG, list === LIST ? 'Staff' : 'Reviewed staff']);
      for (const [i, [key, type, attr, transform]] of fields.entries()) {
        const id = randomIds.uuid();
        await sql(`INSERT INTO list_field (id, organization_id, list_id, key, label, type, position, required) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [id, ORG, list, key, key, type, i, i === 0]);
        if (i === 0) await sql(`UPDATE master_list SET uid_field_id = ? WHERE id = ?`, [id, list]);
        if (transform) await sql(`INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute, transform) VALUES (?, ?, ?, ?, 'entra', ?, ?)`, [randomIds.uuid(), ORG, list, id, attr, transform]);
      }
    }
  });
  afterAll(async () => {
    await orm.close(true);
    await db.drop();
  });

  it('a dry run plans without writing', async () => {
    const out = await run(directory(users(300)), 'DRY_RUN');
    expect(out).toMatchObject({ status: 'SUCCEEDED', counts: { seen: 300, created: 300 } });
    expect((await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM person`))[0]!.n).toBe(0);
    const [row] = await sql<Array<{ held_plan: { creates: unknown[] } }>>(`SELECT held_plan FROM sync_run WHERE id = ?`, [out.runId]);
    expect(row!.held_plan.creates).toHaveLength(300);
  });

  it('a full run maps, creates and records the run; the same run again writes nothing', async () => {
    const first = await run(directory(users(300)));
    expect(first).toMatchObject({ status: 'SUCCEEDED', counts: { seen: 300, created: 300, updated: 0, deactivated: 0 } });
    const [p] = await sql<Array<{ values: Record<string, unknown> }>>(`SELECT "values" FROM person WHERE uid = 'E7'`);
    expect(p!.values).toEqual({ employee_id: 'E7', email: 'e7@x.test', department: 'Science' });
    const second = await run(directory(users(300)));
    expect(second.counts).toMatchObject({ created: 0, updated: 0, unchanged: 300 });
    const [r] = await sql<Array<{ status: string; phase: string; finished_at: string | null; counts: Record<string, number> }>>(`SELECT status, phase, finished_at, counts FROM sync_run WHERE id = ?`, [second.runId]);
    expect(r).toMatchObject({ status: 'SUCCEEDED', phase: 'DONE', counts: { unchanged: 300 } });
    expect(r!.finished_at).not.toBeNull();
  });

  it('records invalid records as per-record errors and syncs the rest', async () => {
    const list = users(300);
    list[5] = { ...list[5]!, attributes: { ...list[5]!.attributes, mail: 'not-an-email' } };
    const out = await run(directory(list));
    expect(out.status).toBe('SUCCEEDED');
    expect(out.problems).toEqual([{ anchor: 'obj-5', reason: expect.stringContaining('must be an email address') }]);
    expect(out.counts.errors).toBe(1);
    // A bad value is not a departure: the person stays active with their last good values.
    const [p] = await sql<Array<{ status: string; email: string }>>(`SELECT status, "values"->>'email' AS email FROM person WHERE source_anchor = 'obj-5'`);
    expect(p).toEqual({ status: 'ACTIVE', email: 'e5@x.test' });
    expect(out.counts.deactivated).toBe(0);
  });

  it('halts a run that would deactivate too many, keeping its plan and writing nothing', async () => {
    const out = await run(directory(users(200)));
    expect(out).toMatchObject({ status: 'HALTED', counts: { deactivated: 100 } });
    expect(out.reason).toMatch(/100 of 300 active people \(33\.3%\)/);
    expect((await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM person WHERE status = 'ACTIVE'`))[0]!.n).toBe(300);
    const empty = await run(directory([]));
    expect(empty).toMatchObject({ status: 'HALTED', reason: expect.stringMatching(/returned no people/) });
  });

  it('allows one run per list at a time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Source = {
      name: 'entra',
      async *pages() {
        await gate;
        yield users(300);
      },
    };
    const first = run(slow);
    await expect.poll(async () => (await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM sync_run WHERE status = 'RUNNING'`))[0]!.n).toBe(1);
    await expect(run(directory(users(300)))).rejects.toMatchObject({ code: 'CONFLICT' });
    release();
    expect((await first).status).toBe('SUCCEEDED');
  });

  it('a failure mid-read fails the run with the reason and writes nothing; the next run converges', async () => {
    const changed = users(300, 'Maths');
    const out = await run(directory(changed, 100, { failAfterPages: 2 }));
    expect(out).toMatchObject({ status: 'FAILED', reason: 'connection reset by the directory' });
    expect((await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM person WHERE "values"->>'department' = 'Maths'`))[0]!.n).toBe(0);
    expect((await run(directory(changed))).counts.updated).toBe(300);
  });

  it('marks a run abandoned by a crashed process as failed once its heartbeat is stale', async () => {
    const id = randomIds.uuid();
    await sql(`INSERT INTO sync_run (id, organization_id, list_id, source, trigger, mode, status, heartbeat_at) VALUES (?, ?, ?, 'entra', 'MANUAL', 'FULL', 'RUNNING', ?)`, [id, ORG, LIST, now]);
    await expect(run(directory(users(300)))).rejects.toMatchObject({ code: 'CONFLICT' });
    now = new Date(now.getTime() + STALE_AFTER_MS + 1000);
    const out = await run(directory(users(300, 'Maths')));
    expect(out.status).toBe('SUCCEEDED');
    const [r] = await sql<Array<{ status: string; reason: string }>>(`SELECT status, reason FROM sync_run WHERE id = ?`, [id]);
    expect(r).toEqual({ status: 'FAILED', reason: 'interrupted: the process running it stopped' });
  });

  it('a delta run deactivates only the reported removals', async () => {
    const out = await run(directory(users(3, 'Maths'), 100, { removed: ['obj-299'] }), 'DELTA');
    expect(out).toMatchObject({ status: 'SUCCEEDED', counts: { deactivated: 1, unchanged: 3 } });
    const [r] = await sql<Array<{ status: string }>>(`SELECT status FROM person WHERE source_anchor = 'obj-299'`);
    expect(r!.status).toBe('INACTIVE');
  });

  it('a delta run writes as it reads inside one transaction: a halt leaves nothing of it, approval applies it all', async () => {
    const before = (await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM person WHERE status = 'ACTIVE'`))[0]!.n;
    // 1,200 newcomers (more than one staged batch, so some are written before the last page)
    // and 150 removals: over the limit of 20% of the active people.
    const newcomers = users(1500).slice(300);
    const removed = Array.from({ length: 150 }, (_, i) => `obj-${i}`);
    const out = await run(directory(newcomers, 100, { removed }), 'DELTA');
    expect(out).toMatchObject({ status: 'HALTED', counts: { created: 1200, deactivated: 150 } });
    expect((await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM person WHERE source_anchor = ANY(?::text[])`, [`{${newcomers.map((u) => u.anchor).join(',')}}`]))[0]!.n).toBe(0);
    expect((await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM person WHERE status = 'ACTIVE'`))[0]!.n).toBe(before);
    expect((await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'person.created' AND at > ?`, [now]))[0]!.n).toBe(0);
    const [row] = await sql<Array<{ held_plan: { creates: unknown[]; deactivations: unknown[] } }>>(`SELECT held_plan FROM sync_run WHERE id = ?`, [out.runId]);
    expect(row!.held_plan.creates).toHaveLength(1200);
    expect(row!.held_plan.deactivations).toHaveLength(150);
    const approved = await runner.approve(ORG, out.runId, actor);
    expect(approved).toMatchObject({ status: 'SUCCEEDED', counts: { created: 1200, deactivated: 150 } });
    expect((await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM person WHERE status = 'ACTIVE'`))[0]!.n).toBe(before + 1200 - 150);
  });

  it('a staged delta run that fails mid-read leaves nothing of it', async () => {
    const newcomers = users(3000).slice(1500);
    const out = await run(directory(newcomers, 100, { failAfterPages: 12 }), 'DELTA');
    expect(out).toMatchObject({ status: 'FAILED', reason: 'connection reset by the directory' });
    expect((await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM person WHERE source_anchor = ANY(?::text[])`, [`{${newcomers.map((u) => u.anchor).join(',')}}`]))[0]!.n).toBe(0);
    const ok = await run(directory(newcomers), 'DELTA');
    expect(ok).toMatchObject({ status: 'SUCCEEDED', counts: { created: 1500 } });
  });

  it('adopts a person added by hand by email (read through the email map), but never one another anchor holds', async () => {
    const hand = randomIds.uuid();
    await sql(`INSERT INTO person (id, organization_id, list_id, uid, "values") VALUES (?, ?, ?, 'HAND-7', ?::jsonb)`, [hand, ORG, LIST, JSON.stringify({ employee_id: 'HAND-7', email: 'grace@x.test', badge: 'kept' })]);
    const [held] = await sql<Array<{ email: string }>>(`SELECT "values"->>'email' AS email FROM person WHERE source_anchor = 'obj-20'`);
    const records: SourceRecord[] = [
      // A directory user with another UID but the hand-made person's email: adopted.
      { anchor: 'obj-grace', active: true, attributes: { employeeId: 'E-GRACE', mail: 'Grace@X.test', department: 'Maths' } },
      // A new directory object with the email of someone the directory already holds: a new person.
      { anchor: 'obj-twin', active: true, attributes: { employeeId: 'E-TWIN', mail: held!.email, department: 'Maths' } },
    ];
    const out = await run(directory(records), 'DELTA');
    expect(out).toMatchObject({ status: 'SUCCEEDED', counts: { created: 1, updated: 1 } });
    const [adopted] = await sql<Array<{ id: string; uid: string; source: string; source_anchor: string; badge: string }>>(
      `SELECT id, uid, source, source_anchor, "values"->>'badge' AS badge FROM person WHERE source_anchor = 'obj-grace'`,
    );
    expect(adopted).toEqual({ id: hand, uid: 'E-GRACE', source: 'entra', source_anchor: 'obj-grace', badge: 'kept' });
    expect((await sql<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM person WHERE "values"->>'email' = ?`, [held!.email]))[0]!.n).toBe(2);
  });

  it('with "review directory changes" on, applies the auto-approved kinds at once and holds only the rest', async () => {
    const into = (source: Source, mode: 'FULL' | 'DELTA' = 'DELTA') => runner.run({ organizationId: ORG, listId: REVIEWED, source, trigger: 'MANUAL', mode, actor });
    const people = (where: string) => sql<Array<{ uid: string; status: string; department: string }>>(`SELECT uid, status, "values"->>'department' AS department FROM person WHERE list_id = ? AND ${where} ORDER BY uid`, [REVIEWED]);
    expect((await into(directory(users(10)), 'FULL')).counts.created).toBe(10);
    await sql(`UPDATE master_list SET review_sync_changes = true, auto_approve = '["CREATES", "UPDATES"]'::jsonb WHERE id = ?`, [REVIEWED]);

    // A delta run (written in a staged transaction) with two joiners, one mover and one leaver.
    const changes = [...users(12).slice(10), { ...users(1, 'Maths')[0]! }];
    const out = await into(directory(changes, 1, { removed: ['obj-9'] }));
    expect(out).toMatchObject({
      status: 'HALTED',
      reason: 'this list reviews directory changes before applying: 1 deactivation awaits approval; 2 new people, 1 update (auto-approved) applied at once',
      counts: { created: 0, updated: 0, deactivated: 1, reactivated: 0 },
    });
    expect((await people(`uid IN ('E10', 'E11', 'E0')`)).map((p) => [p.uid, p.status, p.department])).toEqual([
      ['E0', 'ACTIVE', 'Maths'],
      ['E10', 'ACTIVE', 'Science'],
      ['E11', 'ACTIVE', 'Science'],
    ]);
    expect((await people(`uid = 'E9'`))[0]!.status).toBe('ACTIVE');
    const [row] = await sql<Array<{ held_plan: { creates: unknown[]; updates: unknown[]; deactivations: unknown[]; applied: Record<string, number> } }>>(`SELECT held_plan FROM sync_run WHERE id = ?`, [out.runId]);
    expect(row!.held_plan).toMatchObject({ creates: [], updates: [], deactivations: [expect.objectContaining({ uid: 'E9' })], applied: { created: 2, updated: 1 } });

    // Approval applies the rest and reports the whole run.
    const approved = await runner.approve(ORG, out.runId, actor);
    expect(approved).toMatchObject({ status: 'SUCCEEDED', counts: { created: 2, updated: 1, deactivated: 1 } });
    expect((await people(`uid = 'E9'`))[0]!.status).toBe('INACTIVE');

    // Nothing but auto-approved kinds: applied, not held; nothing auto-approved: nothing written.
    expect(await into(directory(users(13).slice(12)))).toMatchObject({ status: 'SUCCEEDED', counts: { created: 1 } });
    await sql(`UPDATE master_list SET auto_approve = '[]'::jsonb WHERE id = ?`, [REVIEWED]);
    expect(await into(directory(users(14).slice(13)))).toMatchObject({ status: 'HALTED', reason: 'this list reviews directory changes before applying: 1 new person awaits approval' });
    expect(await people(`uid = 'E13'`)).toEqual([]);
  });

  it('refreshes the planner statistics after a run that adds a large share of a list, not after a small one', async () => {
    const tuples = async () => (await sql<Array<{ n: number }>>(`SELECT reltuples::int AS n FROM pg_class WHERE relname = 'person'`))[0]!.n;
    const into = (source: Source) => runner.run({ organizationId: ORG, listId: REVIEWED, source, trigger: 'MANUAL', mode: 'FULL', actor });
    await sql(`UPDATE master_list SET review_sync_changes = false, deactivation_limit_percent = 100, deactivation_limit_count = 1000000 WHERE id = ?`, [REVIEWED]);
    await sql('ANALYZE person');
    const before = await tuples();
    // 2,000 new people on a list of 13 (E13 was held and never created): PostgreSQL learns the
    // new size before the next run plans.
    const big = users(2014).map((u, i) => (i < 14 ? u : { ...u, anchor: `big-${i}`, attributes: { ...u.attributes, employeeId: `B${i}`, mail: `B${i}@x.test` } }));
    expect((await into(directory(big, 500))).counts.created).toBe(2001);
    expect(await tuples()).toBeGreaterThanOrEqual(before + 2000);
    // A handful more changes nothing in the statistics.
    await sql('ANALYZE person');
    const settled = await tuples();
    expect((await into(directory([...big, ...users(2020).slice(2014).map((u, i) => ({ ...u, anchor: `more-${i}`, attributes: { ...u.attributes, employeeId: `M${i}`, mail: `M${i}@x.test` } }))], 500))).counts.created).toBe(6);
    expect(await tuples()).toBe(settled);
  });
});

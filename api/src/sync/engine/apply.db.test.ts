import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../db/orm.js';
import { EventBus, type DomainEvent } from '../../events/event-bus.js';
import { createLogger } from '../../shared/logger.js';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/database.js';
import { applyPlan, emailIndex, emailIndexQuery, loadCurrent, type ApplyContext } from './apply.js';
import { plan, planCounts } from './plan.js';
import type { DesiredPerson, PlanOptions } from './types.js';

const ORG = '10000000-0000-4000-8000-000000000001';
const LIST = '10000000-0000-4000-8000-000000000002';
const ctx: ApplyContext = { organizationId: ORG, listId: LIST, source: 'entra', actor: { type: 'SYNC', id: 'run-1', label: 'Entra sync' } };
const opts: PlanOptions = { source: 'entra', uidKey: 'employee_id', emailKey: 'email', ownedKeys: ['employee_id', 'email', 'department'], mode: 'full' };
const clock = { now: () => new Date('2026-11-23T09:00:00Z') };
const directory = (n: number, dept = 'Science'): DesiredPerson[] =>
  Array.from({ length: n }, (_, i) => ({ anchor: `obj-${i}`, active: true, values: { employee_id: `E${i}`, email: `e${i}@x.test`, department: dept } }));

describe('applyPlan against PostgreSQL', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let bus: EventBus;
  const events: DomainEvent[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm(db.url);
    const conn = orm.em.getConnection();
    await conn.execute(`INSERT INTO organization (id, name) VALUES (?, 'Org')`, [ORG]);
    await conn.execute(`INSERT INTO master_list (id, organization_id, name) VALUES (?, ?, 'Staff')`, [LIST, ORG]);
    bus = new EventBus(db.url, createLogger('silent'));
    await bus.start();
    bus.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await bus.stop();
    await orm.close(true);
    await db.drop();
  });

  const current = () => loadCurrent(orm.em.fork(), LIST);
  const count = async (sql: string) => Number((await orm.em.getConnection().execute<Array<{ n: string }>>(sql))[0]!.n);

  it('creates in batches with audit rows and one event per person after commit', async () => {
    const p = plan(await current(), directory(1200), opts);
    const r = await applyPlan(orm.em.fork(), ctx, p, clock, 500);
    expect(r).toEqual({ created: 1200, updated: 0, deactivated: 0, reactivated: 0 });
    expect(await count(`SELECT count(*) AS n FROM person WHERE source = 'entra' AND source_anchor LIKE 'obj-%'`)).toBe(1200);
    expect(await count(`SELECT count(*) AS n FROM audit_entry WHERE action = 'person.created' AND actor_label = 'Entra sync'`)).toBe(1200);
    await expect.poll(() => events.filter((e) => e.type === 'person.created').length).toBe(1200);
  });

  it('is idempotent: the same directory again writes nothing', async () => {
    const before = await count(`SELECT count(*) AS n FROM audit_entry`);
    const p = plan(await current(), directory(1200), opts);
    expect(planCounts(p)).toMatchObject({ created: 0, updated: 0, deactivated: 0, unchanged: 1200 });
    expect(await applyPlan(orm.em.fork(), ctx, p, clock)).toEqual({ created: 0, updated: 0, deactivated: 0, reactivated: 0 });
    expect(await count(`SELECT count(*) AS n FROM audit_entry`)).toBe(before);
  });

  it('updates only changed owned fields and keeps a local-only field edited since planning', async () => {
    const desired = directory(1200);
    desired[0]!.values.department = 'Maths';
    const p = plan(await current(), desired, opts);
    expect(planCounts(p)).toMatchObject({ updated: 1, unchanged: 1199 });
    // Someone edits a local-only field between plan and apply.
    await orm.em.getConnection().execute(`UPDATE person SET "values" = "values" || '{"badge": "printed"}' WHERE source_anchor = 'obj-0'`);
    await applyPlan(orm.em.fork(), ctx, p, clock);
    const [row] = await orm.em.getConnection().execute<Array<{ values: Record<string, unknown> }>>(`SELECT "values" FROM person WHERE source_anchor = 'obj-0'`);
    expect(row!.values).toEqual({ employee_id: 'E0', email: 'e0@x.test', department: 'Maths', badge: 'printed' });
    const [audit] = await orm.em.getConnection().execute<Array<{ changes: unknown }>>(`SELECT changes FROM audit_entry WHERE action = 'person.updated'`);
    expect(audit!.changes).toEqual([{ field: 'department', before: 'Science', after: 'Maths' }]);
  });

  it('deactivates people who left and reactivates them when they return, never deleting', async () => {
    const p = plan(await current(), directory(1000), opts);
    expect(p.deactivations).toHaveLength(200);
    expect((await applyPlan(orm.em.fork(), ctx, p, clock)).deactivated).toBe(200);
    expect(await count(`SELECT count(*) AS n FROM person WHERE status = 'INACTIVE' AND deactivated_at IS NOT NULL`)).toBe(200);
    expect(await count(`SELECT count(*) AS n FROM person`)).toBe(1200);
    // Applying the same plan again changes nobody.
    expect((await applyPlan(orm.em.fork(), ctx, p, clock)).deactivated).toBe(0);
    const back = plan(await current(), directory(1200), opts);
    expect(planCounts(back)).toMatchObject({ reactivated: 200, created: 0 });
    expect((await applyPlan(orm.em.fork(), ctx, back, clock)).reactivated).toBe(200);
    expect(await count(`SELECT count(*) AS n FROM person WHERE status = 'ACTIVE'`)).toBe(1200);
  });

  it('rolls a failing batch back whole: no person, audit row or event from it', async () => {
    const auditBefore = await count(`SELECT count(*) AS n FROM audit_entry`);
    const eventsBefore = events.length;
    // A UID already in the list makes the insert violate person_uid_unique.
    const bad = { creates: [{ anchor: 'obj-new', uid: 'E-new', values: { employee_id: 'E-new' } }, { anchor: 'obj-dup', uid: 'E5', values: { employee_id: 'E5' } }], updates: [], deactivations: [], reactivations: [], unchanged: 0, problems: [] };
    await expect(applyPlan(orm.em.fork(), ctx, bad, clock)).rejects.toThrow();
    expect(await count(`SELECT count(*) AS n FROM person WHERE uid = 'E-new'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit_entry`)).toBe(auditBefore);
    // A later committed change is delivered; nothing from the failed batch came before it.
    const p = plan(await current(), [...directory(1200), { anchor: 'obj-late', active: true, values: { employee_id: 'E-late', email: 'late@x.test', department: 'Art' } }], opts);
    await applyPlan(orm.em.fork(), ctx, p, clock);
    await expect.poll(() => events.length).toBe(eventsBefore + 1);
  });

  it('reads the email map (whom a sync may adopt by email) through indexes: people with no anchor or another source\'s, never its own', async () => {
    const conn = orm.em.getConnection();
    // 1,200 of this source's people from above, plus one added by hand, one anchored by another
    // source, one with no email.
    await conn.execute(
      `INSERT INTO person (id, organization_id, list_id, uid, "values", source, source_anchor) VALUES
         (gen_random_uuid(), ?, ?, 'HAND-1', '{"email": " Hand@X.test "}', NULL, NULL),
         (gen_random_uuid(), ?, ?, 'SCIM-1', '{"email": "scim@x.test"}', 'scim', 'scim-1'),
         (gen_random_uuid(), ?, ?, 'BARE-1', '{}', NULL, NULL)`,
      [ORG, LIST, ORG, LIST, ORG, LIST],
    );
    const map = await emailIndex(orm.em.fork(), LIST, 'entra', 'email');
    expect([...map.keys()].sort()).toEqual(['hand@x.test', 'scim@x.test']);
    // With sequential scans priced out, the plan still has none: an index serves every part.
    const plan = await orm.em.fork().transactional(async (tx) => {
      await tx.execute('SET LOCAL enable_seqscan = off');
      const [q, params] = emailIndexQuery(LIST, 'entra', 'email');
      return (await tx.execute<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${q}`, params)).map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan).toMatch(/person_unanchored_idx/);
  });
});

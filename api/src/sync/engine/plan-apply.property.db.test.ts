import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../db/orm.js';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/database.js';
import { fcParams } from '../../../../tests/support/property.js';
import { applyPlan, loadCurrent, type ApplyContext } from './apply.js';
import { plan } from './plan.js';
import type { CurrentPerson, DesiredPerson, Plan, PlanOptions } from './types.js';

const ORG = '20000000-0000-4000-8000-000000000001';
const clock = { now: () => new Date('2026-12-03T09:00:00Z') };
const OWNED = ['employee_id', 'email', 'department', 'grade'];

/**
 * A directory of up to 10 people drawn from one small universe, so runs overlap: the same anchors
 * come back with new values, UIDs move, emails collide (matching by email), people leave.
 */
const record: fc.Arbitrary<DesiredPerson> = fc
  .record({
    i: fc.nat(11),
    // Mostly the person's own UID; sometimes a changed one, or another person's (UIDs move, or repeat).
    uid: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant('b') }, { weight: 1, arbitrary: fc.nat(11).map(String) }),
    email: fc.option(fc.nat(8).map((n) => `p${n}@x.test`)),
    department: fc.option(fc.constantFrom('Art', 'Science', 'Music')),
    grade: fc.option(fc.integer({ min: 1, max: 3 })),
    active: fc.constantFrom<boolean | null>(true, true, true, false, null),
  })
  .map((r) => ({
    anchor: `obj-${r.i}`,
    active: r.active,
    values: { employee_id: r.uid === null ? `E${r.i}` : r.uid === 'b' ? `E${r.i}b` : `E${r.uid}`, email: r.email, department: r.department, grade: r.grade },
  }));
const directory = fc.uniqueArray(record, { maxLength: 10, selector: (r) => r.anchor });
const options = fc.record({
  mode: fc.constantFrom<'full' | 'delta'>('full', 'delta'),
  removed: fc.uniqueArray(fc.nat(11).map((i) => `obj-${i}`), { maxLength: 3 }),
  emailMatching: fc.boolean(),
  createInactive: fc.boolean(),
});

const opts = (o: { mode: 'full' | 'delta'; removed: string[]; emailMatching: boolean; createInactive: boolean }): PlanOptions => ({
  source: 'entra',
  uidKey: 'employee_id',
  emailKey: o.emailMatching ? 'email' : null,
  ownedKeys: OWNED,
  mode: o.mode,
  removedAnchors: o.removed,
  createInactive: o.createInactive,
});

/** What a plan would write; an empty one means the list already is what the source says. */
const writes = (p: Plan) => ({
  creates: p.creates,
  updates: p.updates.filter((u) => u.changes.length > 0 || u.reanchor),
  deactivations: p.deactivations,
  reactivations: p.reactivations,
});

/** A plan with every list in a canonical order, to compare plans of the same records in another order. */
const canonical = (p: Plan) => ({
  creates: [...p.creates].sort((a, b) => a.anchor.localeCompare(b.anchor)),
  updates: [...p.updates].sort((a, b) => a.personId.localeCompare(b.personId)),
  deactivations: [...p.deactivations].sort((a, b) => a.personId.localeCompare(b.personId)),
  reactivations: [...p.reactivations].sort((a, b) => a.personId.localeCompare(b.personId)),
  unchanged: p.unchanged,
  problems: [...p.problems].sort((a, b) => a.anchor.localeCompare(b.anchor) || a.reason.localeCompare(b.reason)),
});

/** No two records share a UID or an email: then the order of records cannot matter (first-come rules do not apply). */
const distinct = (d: DesiredPerson[]) => {
  const uids = d.map((r) => r.values.employee_id);
  const emails = d.map((r) => r.values.email).filter((e) => e !== null);
  return new Set(uids).size === uids.length && new Set(emails).size === emails.length;
};

describe('plan and apply, as properties', () => {
  it('plan is deterministic, and independent of record order when UIDs and emails are distinct', () => {
    const people = fc.uniqueArray(
      fc.record({ i: fc.nat(11), status: fc.constantFrom<'ACTIVE' | 'INACTIVE'>('ACTIVE', 'INACTIVE'), source: fc.constantFrom<string | null>('entra', 'entra', null), email: fc.option(fc.nat(8).map((n) => `p${n}@x.test`)) }),
      { maxLength: 10, selector: (p) => p.i },
    ).map((ps) => ps.map((p): CurrentPerson => ({ id: `00000000-0000-4000-8000-${String(p.i).padStart(12, '0')}`, uid: `E${p.i}`, status: p.status, values: { employee_id: `E${p.i}`, email: p.email }, source: p.source, sourceAnchor: p.source ? `obj-${p.i}` : null })));
    fc.assert(
      fc.property(people, directory, options, fc.nat(), (current, desired, o, seed) => {
        const a = plan(current, desired, opts(o));
        expect(plan(current, desired, opts(o))).toEqual(a);
        fc.pre(distinct(desired));
        const shuffled = [...desired].sort((x, y) => ((x.anchor.charCodeAt(4) * 31 + seed) % 97) - ((y.anchor.charCodeAt(4) * 31 + seed) % 97));
        expect(canonical(plan(current, shuffled, opts(o)))).toEqual(canonical(a));
      }),
      fcParams(1000),
    );
  });

  describe('against PostgreSQL', () => {
    let db: TestDatabase;
    let orm: MikroORM;

    beforeAll(async () => {
      db = await createTestDatabase();
      orm = await initOrm(db.url);
      await orm.em.getConnection().execute(`INSERT INTO organization (id, name) VALUES (?, 'Org')`, [ORG]);
    });
    afterAll(async () => {
      await orm.close(true);
      await db.drop();
    });

    it('applying a plan then planning again against the database plans no change', { timeout: 120_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(directory, directory, options, fc.array(fc.nat(11), { maxLength: 2 }), async (first, second, o, byHand) => {
          // A fresh list per case: the first directory applied, some people added by hand, then the second.
          const listId = randomUUID();
          const conn = orm.em.getConnection();
          await conn.execute(`INSERT INTO master_list (id, organization_id, name) VALUES (?, ?, ?)`, [listId, ORG, listId]);
          const ctx: ApplyContext = { organizationId: ORG, listId, source: 'entra', actor: { type: 'SYNC', id: 'run', label: 'Property' } };
          await applyPlan(orm.em.fork(), ctx, plan(await loadCurrent(orm.em.fork(), listId), first, opts({ ...o, mode: 'full' })), clock);
          for (const i of new Set(byHand)) {
            await conn.execute(
              `INSERT INTO person (id, organization_id, list_id, uid, status, "values") VALUES (gen_random_uuid(), ?, ?, ?, 'ACTIVE', ?::jsonb) ON CONFLICT DO NOTHING`,
              [ORG, listId, `E${i}b`, JSON.stringify({ employee_id: `E${i}b`, email: `p${i}@x.test`, badge: 'by hand' })],
            );
          }
          let p = plan(await loadCurrent(orm.em.fork(), listId), second, opts(o));
          await applyPlan(orm.em.fork(), ctx, p, clock);
          // Planning again changes nothing, except what the plan before put off as a problem: a UID
          // another person held until that run moved them (written by the next run; a chain of
          // such moves takes a run per link). Each round makes progress, and it ends.
          for (let round = 1; ; round++) {
            const between = await loadCurrent(orm.em.fork(), listId);
            const again = plan(between, second, opts(o));
            const putOff = new Set(p.problems.map((x) => x.anchor));
            const w = writes(again);
            // People a put-off record holds, or adopts now (matched by email, not yet anchored).
            const putOffPeople = new Set([
              ...between.filter((c) => c.sourceAnchor !== null && putOff.has(c.sourceAnchor)).map((c) => c.id),
              ...w.updates.filter((u) => putOff.has(u.anchor)).map((u) => u.personId),
            ]);
            expect(w.creates.filter((c) => !putOff.has(c.anchor))).toEqual([]);
            expect(w.updates.filter((u) => !putOff.has(u.anchor))).toEqual([]);
            expect(w.deactivations.filter((r) => !putOffPeople.has(r.personId))).toEqual([]);
            expect(w.reactivations.filter((r) => !putOffPeople.has(r.personId))).toEqual([]);
            if (w.creates.length + w.updates.length + w.deactivations.length + w.reactivations.length === 0) break;
            expect(round, 'runs to converge').toBeLessThanOrEqual(second.length);
            await applyPlan(orm.em.fork(), ctx, again, clock);
            p = again;
          }
          // What the source said is what the list holds, for every record that was not a problem.
          const stored = new Map((await loadCurrent(orm.em.fork(), listId)).filter((c) => c.source === 'entra').map((c) => [c.sourceAnchor, c]));
          const problems = new Set(p.problems.map((x) => x.anchor));
          for (const d of second) {
            const person = stored.get(d.anchor);
            if (problems.has(d.anchor) || !person) continue;
            for (const k of OWNED) expect(person.values[k] ?? null, `${d.anchor}.${k}`).toEqual(d.values[k] ?? null);
            if (d.active !== null) expect(person.status).toBe(d.active ? 'ACTIVE' : 'INACTIVE');
          }
          await conn.execute(`DELETE FROM audit_entry WHERE list_id = ?`, [listId]);
          await conn.execute(`DELETE FROM person WHERE list_id = ?`, [listId]);
          await conn.execute(`DELETE FROM master_list WHERE id = ?`, [listId]);
        }),
        fcParams(60),
      );
    });
  });
});

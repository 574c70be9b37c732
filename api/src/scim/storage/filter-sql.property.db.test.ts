import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../db/orm.js';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/database.js';
import { fcParams } from '../../../../tests/support/property.js';
import { matches, type Filter } from '../rfc7644/filter.js';
import { ScimError } from '../rfc7644/errors.js';
import { ENTERPRISE_URN, USER_URN } from '../rfc7643/urns.js';
import { userRepresentation } from '../rfc7643/user.js';
import { filterToSql } from './filter-sql.js';

const ORG = '30000000-0000-4000-8000-000000000001';
const LIST = '30000000-0000-4000-8000-000000000002';

/** Few letters in both cases and a digit: values collide, compare and contain each other often. */
const text = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', '1'), maxLength: 3 });
const resource = fc.record(
  {
    displayName: text,
    title: fc.oneof(text, fc.constant(null)),
    name: fc.record({ givenName: text }, { requiredKeys: [] }),
    emails: fc.array(fc.record({ value: text, type: fc.constantFrom('work', 'home', 'WORK') }, { requiredKeys: ['value'] }), { maxLength: 2 }),
    [ENTERPRISE_URN]: fc.record({ employeeNumber: text }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const user = fc.record({ userName: text, resource, active: fc.boolean() });

const STRING_PATHS = ['userName', 'displayName', 'title', 'name.givenName', 'emails', 'emails.value', 'emails.type', `${ENTERPRISE_URN}:employeeNumber`, `${USER_URN}:title`];
const compare = fc.oneof(
  fc.record({ op: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'), attrPath: fc.constantFrom(...STRING_PATHS), compValue: text }),
  fc.record({ op: fc.constant('pr'), attrPath: fc.constantFrom(...STRING_PATHS, 'active') }),
  fc.record({ op: fc.constantFrom('eq', 'ne'), attrPath: fc.constantFrom(...STRING_PATHS), compValue: fc.constant(null) }),
  fc.record({ op: fc.constantFrom('eq', 'ne'), attrPath: fc.constant('active'), compValue: fc.boolean() }),
  fc.record({
    op: fc.constant('[]'),
    attrPath: fc.constant('emails'),
    valFilter: fc.oneof(fc.record({ op: fc.constantFrom('eq', 'co', 'sw', 'gt'), attrPath: fc.constantFrom('value', 'type'), compValue: text }), fc.record({ op: fc.constant('pr'), attrPath: fc.constant('type') })),
  }),
) as fc.Arbitrary<Filter>;
const filter: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    compare,
    fc.record({ op: fc.constantFrom('and', 'or'), filters: fc.array(tie('f'), { minLength: 2, maxLength: 3 }) }) as fc.Arbitrary<Filter>,
    fc.record({ op: fc.constant('not'), filter: tie('f') }) as fc.Arbitrary<Filter>,
  ),
})).f;

describe('SCIM filters: in memory and as SQL agree (RFC 7644 §3.4.2.2)', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm(db.url);
    const conn = orm.em.getConnection();
    await conn.execute(`INSERT INTO organization (id, name) VALUES (?, 'Org')`, [ORG]);
    await conn.execute(`INSERT INTO master_list (id, organization_id, name) VALUES (?, ?, 'Staff')`, [LIST, ORG]);
  });
  afterAll(async () => {
    await orm.close(true);
    await db.drop();
  });

  it('a filter selects the same users in PostgreSQL as matches() does over their representations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(user, { minLength: 1, maxLength: 8 }), fc.array(filter, { minLength: 1, maxLength: 5 }), async (users, filters) => {
        const conn = orm.em.getConnection();
        await conn.execute(`DELETE FROM scim_user WHERE list_id = ?`, [LIST]);
        await conn.execute(`DELETE FROM person WHERE list_id = ?`, [LIST]);
        const stored = [];
        for (const [i, u] of users.entries()) {
          const personId = randomUUID();
          const scimId = randomUUID();
          await conn.execute(`INSERT INTO person (id, organization_id, list_id, uid, status, "values") VALUES (?, ?, ?, ?, ?, '{}')`, [personId, ORG, LIST, `U${i}`, u.active ? 'ACTIVE' : 'INACTIVE']);
          // userName is unique per list (case-insensitively): the index number keeps it so.
          const userName = `${u.userName}${i}`;
          const res = { ...u.resource, userName };
          await conn.execute(
            `INSERT INTO scim_user (person_id, organization_id, list_id, scim_id, user_name, external_id, resource, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?::jsonb, 1, now(), now())`,
            [personId, ORG, LIST, scimId, userName, JSON.stringify(res)],
          );
          const now = new Date();
          stored.push({ scimId, representation: userRepresentation({ scimId, userName, externalId: null, resource: res, active: u.active, version: '1.1', createdAt: now, updatedAt: now }, `/Users/${scimId}`) });
        }
        for (const f of filters) {
          let where: { sql: string; params: unknown[] };
          try {
            where = filterToSql(f);
          } catch (err) {
            // Refused as SQL (a boolean compared with gt, null with co): nothing to compare.
            expect(err).toBeInstanceOf(ScimError);
            continue;
          }
          const rows = await conn.execute<Array<{ scim_id: string }>>(`SELECT su.scim_id FROM scim_user su JOIN person p ON p.id = su.person_id WHERE su.list_id = ? AND ${where.sql}`, [LIST, ...where.params]);
          const bySql = rows.map((r) => r.scim_id).sort();
          const inMemory = stored.filter((s) => matches(s.representation, f)).map((s) => s.scimId).sort();
          expect(inMemory, JSON.stringify(f)).toEqual(bySql);
        }
      }),
      fcParams(150),
    );
  });
});

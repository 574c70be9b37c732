import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';

const PAGE = `query Page($l: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort, $filters: [FieldFilter!]) {
  people(listId: $l, first: $first, after: $after, status: $status, search: $search, sort: $sort, filters: $filters) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id uid status values } }
  }
}`;

interface Page {
  people: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string; uid: string; status: string; values: Record<string, unknown> } }> };
}

describe('master lists, fields and people', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let listId: string;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    const { createMasterList } = await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Students", uidField: { key: "student_no", label: "Student number", type: TEXT } }) { id } }`,
    );
    listId = createMasterList.id;
    for (const [key, label, type] of [
      ['first_name', 'First name', 'TEXT'],
      ['last_name', 'Last name', 'TEXT'],
      ['email', 'Email', 'EMAIL'],
      ['year', 'Year', 'NUMBER'],
      ['born', 'Date of birth', 'DATE'],
      ['boarder', 'Boarder', 'BOOLEAN'],
    ]) {
      await owner.ok(`mutation($l: ID!, $i: FieldInput!) { addField(listId: $l, input: $i) { id } }`, { l: listId, i: { key, label, type } });
    }
    // 120 people: years 1..12 so a text sort would put 10 before 9.
    for (let i = 1; i <= 120; i++) {
      await owner.ok(`mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { id } }`, {
        l: listId,
        v: {
          student_no: `S${String(i).padStart(4, '0')}`,
          first_name: i % 7 === 0 ? 'Zoë' : `First${i}`,
          last_name: `Last${String(121 - i).padStart(3, '0')}`,
          email: `s${i}@school.test`,
          year: (i % 12) + 1,
          born: `20${String(10 + (i % 9)).padStart(2, '0')}-0${(i % 9) + 1}-15`,
          boarder: i % 2 === 0 ? 'yes' : 'no',
        },
      });
    }
  });
  afterAll(async () => {
    await server.stop();
  });

  const page = (vars: Record<string, unknown>) => owner.ok<Page>(PAGE, { l: listId, ...vars });

  async function walk(vars: Record<string, unknown>, first = 25): Promise<string[]> {
    const uids: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 20; n++) {
      const { people }: Page = await page({ ...vars, first, after });
      uids.push(...people.edges.map((e) => e.node.uid));
      if (!people.pageInfo.hasNextPage) return uids;
      after = people.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  }

  it('normalises values by field type', async () => {
    const { people } = await page({ filters: [{ field: 'uid', operator: 'EQ', value: 's0002' }] });
    expect(people.edges[0]!.node.values).toMatchObject({ year: 3, boarder: true, born: '2012-03-15' });
  });

  it('keyset paging visits every person once, in order, for every sort', async () => {
    const byUid = await walk({});
    expect(byUid).toHaveLength(120);
    expect(new Set(byUid).size).toBe(120);
    expect(byUid).toEqual([...byUid].sort());
    const byLastDesc = await walk({ sort: { field: 'last_name', direction: 'DESC' } }, 17);
    expect(byLastDesc).toHaveLength(120);
    expect(byLastDesc[0]).toBe('S0001');
    const byYear = await walk({ sort: { field: 'year', direction: 'ASC' } }, 30);
    expect(new Set(byYear).size).toBe(120);
    const years = await Promise.all([byYear[0], byYear[119]].map(async (u) => (await page({ filters: [{ field: 'uid', operator: 'EQ', value: u }] })).people.edges[0]!.node.values.year));
    expect(years).toEqual([1, 12]);
    const byCreated = await walk({ sort: { field: 'createdAt', direction: 'DESC' } }, 40);
    expect(byCreated[0]).toBe('S0120');
    expect(byCreated.at(-1)).toBe('S0001');
  });

  it('sorts numbers numerically, not as text', async () => {
    const { people } = await page({ sort: { field: 'year', direction: 'DESC' }, first: 10 });
    expect(people.edges.every((e) => e.node.values.year === 12)).toBe(true);
  });

  it('searches uid and values ignoring case, and filters by value', async () => {
    expect((await page({ search: 'zoË' })).people.totalCount).toBe(0 + 17);
    expect((await page({ search: 's0042' })).people.edges.map((e) => e.node.uid)).toEqual(['S0042']);
    expect((await page({ search: '100%_' })).people.totalCount).toBe(0);
    expect((await page({ filters: [{ field: 'year', operator: 'GT', value: '10' }] })).people.totalCount).toBe(20);
    expect((await page({ filters: [{ field: 'year', operator: 'LT', value: '2' }] })).people.totalCount).toBe(10);
    expect((await page({ filters: [{ field: 'email', operator: 'STARTS_WITH', value: 'S11' }] })).people.totalCount).toBe(11);
    expect((await page({ filters: [{ field: 'first_name', operator: 'EQ', value: 'zoë' }, { field: 'year', operator: 'NE', value: '8' }] })).people.totalCount).toBe(15);
    expect((await page({ filters: [{ field: 'born', operator: 'IS_EMPTY' }] })).people.totalCount).toBe(0);
    expect(await owner.errorCode(PAGE, { l: listId, filters: [{ field: 'year', operator: 'GT' }] })).toBe('BAD_USER_INPUT');
    expect(await owner.errorCode(PAGE, { l: listId, after: 'not-a-cursor' })).toBe('BAD_USER_INPUT');
  });

  it('defaults to active people; inactive and all are filters with their own totals', async () => {
    const { people } = await page({ first: 2 });
    await owner.ok(`mutation($p: ID!) { deactivatePerson(id: $p) { status } }`, { p: people.edges[0]!.node.id });
    expect((await page({})).people.totalCount).toBe(119);
    expect((await page({ status: 'INACTIVE' })).people.edges.map((e) => e.node.uid)).toEqual(['S0001']);
    expect((await page({ status: 'ALL' })).people.totalCount).toBe(120);
    await owner.ok(`mutation($p: ID!) { reactivatePerson(id: $p) { status } }`, { p: people.edges[0]!.node.id });
    expect((await page({})).people.totalCount).toBe(120);
  });

  it('rejects invalid values naming the field, and duplicate UIDs', async () => {
    const create = (v: Record<string, unknown>) =>
      owner.request(`mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { id } }`, { l: listId, v });
    for (const [values, field] of [
      [{ student_no: 'X1', email: 'nope' }, 'email'],
      [{ student_no: 'X1', year: 'ten' }, 'year'],
      [{ student_no: 'X1', born: '2026-02-30' }, 'born'],
      [{ student_no: 'X1', boarder: 'maybe' }, 'boarder'],
      [{ student_no: 'X1', shoe_size: 9 }, 'shoe_size'],
      [{ first_name: 'No UID' }, 'student_no'],
    ] as const) {
      const res = await create(values);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const dup = await create({ student_no: 'S0001' });
    expect(dup.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(dup.errors?.[0]?.message).toContain('S0001');
  });

  it('a no-op update writes no audit entry; a real one records before and after', async () => {
    const { people } = await page({ filters: [{ field: 'uid', operator: 'EQ', value: 'S0005' }] });
    const id = people.edges[0]!.node.id;
    const trail = async () =>
      (await owner.ok<{ person: { auditTrail: Array<{ action: string; changes: Array<{ field: string; before: unknown; after: unknown }> }> } }>(
        `query($p: ID!) { person(id: $p) { auditTrail { action changes { field before after } } } }`,
        { p: id },
      )).person.auditTrail;
    const before = (await trail()).length;
    await owner.ok(`mutation($p: ID!) { updatePerson(id: $p, values: { first_name: "First5" }) { id } }`, { p: id });
    expect((await trail()).length).toBe(before);
    await owner.ok(`mutation($p: ID!) { updatePerson(id: $p, values: { first_name: "Fifi", email: null }) { values } }`, { p: id });
    const [latest] = await trail();
    expect(latest!.action).toBe('person.updated');
    expect(latest!.changes).toEqual(
      expect.arrayContaining([
        { field: 'first_name', before: 'First5', after: 'Fifi' },
        { field: 'email', before: 's5@school.test', after: null },
      ]),
    );
  });

  it('locks fields owned by the active sync provider, and only those', async () => {
    const conn = server.app.orm.em.getConnection();
    await conn.execute(
      `INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute)
       SELECT gen_random_uuid(), organization_id, list_id, id, 'entra', 'mail' FROM list_field WHERE list_id = ? AND key = 'email'`,
      [listId],
    );
    const { people } = await page({ first: 1 });
    const id = people.edges[0]!.node.id;
    // The mapping alone does not lock: the provider must be the list's active one.
    await owner.ok(`mutation($p: ID!) { updatePerson(id: $p, values: { email: "a@school.test" }) { id } }`, { p: id });
    await conn.execute(`UPDATE master_list SET sync_provider = 'entra' WHERE id = ?`, [listId]);
    const res = await owner.request(`mutation($p: ID!) { updatePerson(id: $p, values: { email: "b@school.test" }) { id } }`, { p: id });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FIELD_LOCKED', field: 'email', provider: 'Microsoft Entra ID' });
    expect(res.errors?.[0]?.message).toBe('"email" is managed by the Microsoft Entra ID sync of this list; edit it in Microsoft Entra ID or disconnect the sync.');
    await owner.ok(`mutation($p: ID!) { updatePerson(id: $p, values: { first_name: "Local edit" }) { id } }`, { p: id });
    const { masterList } = await owner.ok<{ masterList: { fields: Array<{ key: string; locked: boolean; lockedBy: string | null }> } }>(
      `query($l: ID!) { masterList(id: $l) { fields { key locked lockedBy } } }`,
      { l: listId },
    );
    expect(masterList.fields.filter((f) => f.locked)).toEqual([{ key: 'email', locked: true, lockedBy: 'Microsoft Entra ID' }]);
    const { person } = await owner.ok<{ person: { lockedFields: string[]; values: Record<string, unknown> } }>(
      `query($p: ID!) { person(id: $p) { lockedFields values } }`,
      { p: id },
    );
    expect(person.lockedFields).toEqual(['email']);
    expect(person.values.email).toBe('a@school.test');
    expect(await owner.errorCode(`mutation($f: ID!) { removeField(id: $f) }`, { f: await fieldId('email') })).toBe('CONFLICT');
    await conn.execute(`UPDATE master_list SET sync_provider = NULL WHERE id = ?`, [listId]);
  });

  async function fieldId(key: string): Promise<string> {
    const { masterList } = await owner.ok<{ masterList: { fields: Array<{ id: string; key: string }> } }>(`query($l: ID!) { masterList(id: $l) { fields { id key } } }`, { l: listId });
    return masterList.fields.find((f) => f.key === key)!.id;
  }

  it('edits the schema: reorder, rename, remove with values, change the UID', async () => {
    const { masterList } = await owner.ok<{ masterList: { fields: Array<{ id: string; key: string }> } }>(`query($l: ID!) { masterList(id: $l) { fields { id key } } }`, { l: listId });
    const reversed = masterList.fields.map((f) => f.id).reverse();
    const { reorderFields } = await owner.ok<{ reorderFields: Array<{ key: string; position: number }> }>(
      `mutation($l: ID!, $ids: [ID!]!) { reorderFields(listId: $l, fieldIds: $ids) { key position } }`,
      { l: listId, ids: reversed },
    );
    expect(reorderFields.map((f) => f.key)).toEqual(masterList.fields.map((f) => f.key).reverse());
    expect(await owner.errorCode(`mutation($l: ID!, $ids: [ID!]!) { reorderFields(listId: $l, fieldIds: $ids) { key } }`, { l: listId, ids: reversed.slice(1) })).toBe('BAD_USER_INPUT');
    expect(await owner.errorCode(`mutation($f: ID!) { removeField(id: $f) }`, { f: await fieldId('student_no') })).toBe('CONFLICT');
    // Emails are unique here, so email can become the UID; last names too. Years repeat: refused.
    expect(await owner.errorCode(`mutation($l: ID!, $f: ID!) { setUidField(listId: $l, fieldId: $f) { id } }`, { l: listId, f: await fieldId('year') })).toBe('CONFLICT');
    await owner.ok(`mutation($l: ID!, $f: ID!) { setUidField(listId: $l, fieldId: $f) { id } }`, { l: listId, f: await fieldId('last_name') });
    expect((await page({ first: 1 })).people.edges[0]!.node.uid).toBe('Last001');
    await owner.ok(`mutation($f: ID!) { removeField(id: $f) }`, { f: await fieldId('boarder') });
    const { people } = await page({ first: 500, status: 'ALL' });
    expect(people.edges.some((e) => 'boarder' in e.node.values)).toBe(false);
    const audit = await owner.ok<{ auditTrail: { edges: Array<{ action: string }> } }>(`query($l: ID!) { auditTrail(listId: $l, first: 3) { edges { action } } }`, { l: listId });
    expect(audit.auditTrail.edges.map((e) => e.action)).toEqual(['field.removed', 'master_list.uid_changed', 'field.reordered']);
  });

  it('erase is for owners only, removes the person and scrubs their history', async () => {
    await owner.ok(`mutation { addMember(input: { email: "adam@acme.test", name: "Adam", role: ADMIN, password: "admin password 1" }) { id } }`);
    const { login } = await server.client.ok<{ login: { token: string } }>(`mutation { login(email: "adam@acme.test", password: "admin password 1") { token } }`);
    const admin = server.client.as(login.token);
    const { people } = await page({ first: 1 });
    const id = people.edges[0]!.node.id;
    expect(await admin.errorCode(`mutation($p: ID!) { erasePerson(id: $p) }`, { p: id })).toBe('FORBIDDEN');
    await owner.ok(`mutation($p: ID!) { erasePerson(id: $p) }`, { p: id });
    expect(await owner.errorCode(`query($p: ID!) { person(id: $p) { id } }`, { p: id })).toBe('NOT_FOUND');
    const { auditTrail } = await owner.ok<{ auditTrail: { edges: Array<{ action: string; changes: Array<{ before: unknown; after: unknown }> }> } }>(
      `query($l: ID!, $p: ID!) { auditTrail(listId: $l, personId: $p) { edges { action changes { before after } } } }`,
      { l: listId, p: id },
    );
    expect(auditTrail.edges[0]!.action).toBe('person.erased');
    const values = auditTrail.edges.flatMap((e) => e.changes.flatMap((c) => [c.before, c.after]));
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => v === null)).toBe(true);
  });

  it('archives and renames lists; names are unique per organisation', async () => {
    expect(await owner.errorCode(`mutation { createMasterList(input: { name: "students", uidField: { key: "x", label: "X", type: TEXT } }) { id } }`)).toBe('CONFLICT');
    await owner.ok(`mutation($l: ID!) { renameMasterList(id: $l, name: "Students 2026") { name } }`, { l: listId });
    await owner.ok(`mutation($l: ID!) { archiveMasterList(id: $l) { archived } }`, { l: listId });
    expect((await owner.ok<{ masterLists: unknown[] }>(`{ masterLists { id } }`)).masterLists).toHaveLength(0);
    const all = await owner.ok<{ masterLists: Array<{ name: string; archived: boolean }> }>(`{ masterLists(includeArchived: true) { name archived } }`);
    expect(all.masterLists).toEqual([{ name: 'Students 2026', archived: true }]);
  });
});

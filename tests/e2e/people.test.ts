import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLResponse, GraphQLTestClient } from '../support/graphql.js';

type Values = Record<string, string | number | boolean>;
interface Node {
  id: string;
  uid: string;
  status: 'ACTIVE' | 'INACTIVE';
  values: Values;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
}
interface Page {
  people: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ cursor: string; node: Node }> };
}

const NODE = 'id uid status values createdAt updatedAt deactivatedAt';
const PAGE = `query Page($l: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort, $filters: [FieldFilter!]) {
  people(listId: $l, first: $first, after: $after, status: $status, search: $search, sort: $sort, filters: $filters) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${NODE} } }
  }
}`;
const CREATE = `mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { ${NODE} } }`;
const UPDATE = `mutation($p: ID!, $v: JSONObject!) { updatePerson(id: $p, values: $v) { ${NODE} } }`;

const pad = (n: number) => String(n).padStart(3, '0');

/**
 * 120 people whose orders differ by uid, name, age and creation; some values missing; every
 * tenth inactive. Text values avoid case and punctuation so text order is the same in every
 * collation, and the expectations below can be computed here.
 */
function roster(): Values[] {
  return Array.from({ length: 120 }, (_, k) => {
    const i = k + 1;
    const v: Values = {
      code: `P${pad(i)}`,
      name: `NAME ${pad((i * 7) % 121)}`,
      email: `p${i}@example.test`,
      started: `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}`,
      remote: i % 3 === 0,
    };
    if (i % 11 !== 0) v.age = [9, 10, 100, 25, 3, 42][i % 6]!;
    if (i % 13 !== 0) v.room = ['101', '99', '205', 'A1', '1000', 'B7'][i % 6]!;
    if (i === 50) v.name = 'Sale 100%_off';
    return v;
  });
}

describe('people', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let listId: string;
  const data = roster();
  /** Person id by uid. */
  const ids = new Map<string, string>();
  const inactive = new Set<string>();

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    listId = (await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Roster", uidField: { key: "code", label: "Code", type: TEXT } }) { id } }`,
    )).createMasterList.id;
    for (const [key, type] of [['name', 'TEXT'], ['email', 'EMAIL'], ['age', 'NUMBER'], ['started', 'DATE'], ['remote', 'BOOLEAN'], ['room', 'TEXT']]) {
      await owner.ok(`mutation($l: ID!, $i: FieldInput!) { addField(listId: $l, input: $i) { id } }`, { l: listId, i: { key, label: key, type } });
    }
    await inParallel(data, 6, async (v) => {
      const { createPerson } = await owner.ok<{ createPerson: Node }>(CREATE, { l: listId, v });
      ids.set(createPerson.uid, createPerson.id);
    });
    await inParallel(data.filter((_, k) => (k + 1) % 10 === 0), 6, async (v) => {
      await owner.ok(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, { p: ids.get(v.code as string) });
      inactive.add(v.code as string);
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  const page = (vars: Record<string, unknown>) => owner.ok<Page>(PAGE, { l: listId, ...vars });
  const uids = async (vars: Record<string, unknown>) => (await page({ first: 500, ...vars })).people.edges.map((e) => e.node.uid);
  const errorOf = (res: GraphQLResponse<unknown>) => {
    expect(res.errors, JSON.stringify(res.data)).toBeDefined();
    return { message: res.errors![0]!.message, ...res.errors![0]!.extensions };
  };

  /** Walks every page; checks each page's size and cursors. */
  async function walk(vars: Record<string, unknown>, first: number, from: string | null = null): Promise<Node[]> {
    const nodes: Node[] = [];
    let after: string | null = from;
    for (let n = 0; n < 100; n++) {
      const { people }: Page = await page({ ...vars, first, after });
      nodes.push(...people.edges.map((e) => e.node));
      expect(people.pageInfo.endCursor).toBe(people.edges.at(-1)?.cursor ?? null);
      if (!people.pageInfo.hasNextPage) {
        expect(people.edges.length).toBeLessThanOrEqual(first);
        return nodes;
      }
      expect(people.edges).toHaveLength(first);
      after = people.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  }

  describe('listing', () => {
    it('lists active people by default; inactive and all on request, each with its total', async () => {
      const active = await page({ first: 500 });
      expect(active.people.totalCount).toBe(108);
      expect(active.people.edges.every((e) => e.node.status === 'ACTIVE')).toBe(true);
      const gone = await page({ first: 500, status: 'INACTIVE' });
      expect(gone.people.totalCount).toBe(12);
      expect(new Set(gone.people.edges.map((e) => e.node.uid))).toEqual(inactive);
      expect(gone.people.edges.every((e) => e.node.status === 'INACTIVE' && e.node.deactivatedAt !== null)).toBe(true);
      const all = await page({ first: 10, status: 'ALL' });
      expect(all.people.totalCount).toBe(120);
      expect(all.people.edges).toHaveLength(10);
      const { masterList } = await owner.ok<{ masterList: { activeCount: number; inactiveCount: number } }>(`query($l: ID!) { masterList(id: $l) { activeCount inactiveCount } }`, { l: listId });
      expect(masterList).toEqual({ activeCount: 108, inactiveCount: 12 });
    });

    it('searches the UID and every value, ignoring case, with no wildcards', async () => {
      expect(await uids({ search: 'p007', status: 'ALL' })).toEqual(['P007']);
      expect(await uids({ search: 'P00', status: 'ALL' })).toEqual(['P001', 'P002', 'P003', 'P004', 'P005', 'P006', 'P007', 'P008', 'P009']);
      expect(await uids({ search: 'P12@EXAMPLE', status: 'ALL' })).toEqual(['P012']);
      expect(await uids({ search: '  name 014 ', status: 'ALL' })).toEqual(data.filter((v) => v.name === 'NAME 014').map((v) => v.code));
      expect(await uids({ search: '100%_', status: 'ALL' })).toEqual(['P050']);
      expect(await uids({ search: '0%_o', status: 'ALL' })).toEqual(['P050']);
      expect(await uids({ search: '1%', status: 'ALL' })).toEqual([]);
      expect(await uids({ search: '_', status: 'ALL' })).toEqual(['P050']);
      expect(await uids({ search: 'nobody here' })).toEqual([]);
      // Search respects the status filter.
      expect(await uids({ search: 'p010@' })).toEqual([]);
      expect(await uids({ search: 'p010@', status: 'INACTIVE' })).toEqual([]);
      expect(await uids({ search: 'p10@', status: 'INACTIVE' })).toEqual(['P010']);
    });

    it('sorts by UID, a text field, a number field (numerically) and creation, both ways', async () => {
      const active = data.filter((v) => !inactive.has(v.code as string));
      const byUid = await uids({});
      expect(byUid).toEqual(active.map((v) => v.code).sort());
      expect(await uids({ sort: { field: 'uid', direction: 'DESC' } })).toEqual([...byUid].reverse());
      const byName = await uids({ sort: { field: 'name' } });
      expect(byName).toEqual([...active].sort((a, b) => cmp(a.name, b.name) || cmp(idOf(a), idOf(b))).map((v) => v.code));

      const ages = async (direction: string) => {
        const { people } = await page({ first: 500, sort: { field: 'age', direction } });
        return people.edges.map((e) => e.node.values.age ?? null);
      };
      const asc = await ages('ASC');
      // Missing values first, then 3 < 9 < 10 < 25 < 42 < 100: as numbers, not as text.
      const distinct = asc.filter((a, i) => a !== asc[i - 1]);
      expect(distinct).toEqual([null, 3, 9, 10, 25, 42, 100]);
      expect(asc.filter((a) => a === null)).toHaveLength(active.filter((v) => v.age === undefined).length);
      expect(await ages('DESC')).toEqual([...asc].reverse());

      const created = (await page({ first: 500, sort: { field: 'createdAt' } })).people.edges.map((e) => e.node.createdAt);
      expect(created).toHaveLength(108);
      expect(created).toEqual([...created].sort());
      const createdDesc = (await page({ first: 500, sort: { field: 'createdAt', direction: 'DESC' } })).people.edges.map((e) => e.node.id);
      const createdAsc = (await page({ first: 500, sort: { field: 'createdAt' } })).people.edges.map((e) => e.node.id);
      expect(createdDesc).toEqual([...createdAsc].reverse());
    });

    it("builds a field's sort index on the first sort by it (not when the field is added), and sorts the same with it", async () => {
      const db = server.app.orm.em.getConnection();
      const index = async (key: string) =>
        (await db.execute<Array<{ valid: boolean }>>(`SELECT i.indisvalid AS valid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = ?`, [`person_sort_${key}`]))[0]?.valid ?? null;
      // Every field was added before the roster was written: none of them has an index yet.
      for (const key of ['room', 'email', 'started']) expect(await index(key)).toBeNull();
      // A key that is not a field of the list sorts (every value missing: by id) and earns nothing.
      expect(await uids({ sort: { field: 'no_such_field' }, status: 'ALL' })).toHaveLength(120);
      // The first sort by "room" is answered at once, without the index, and starts its build.
      const unindexed = await uids({ sort: { field: 'room', direction: 'DESC' }, status: 'ALL' });
      const rooms = (code: string) => data.find((v) => v.code === code)!.room ?? null;
      expect(unindexed.slice(0, 3).map(rooms)).toEqual(['B7', 'B7', 'B7']);
      await expect.poll(() => index('room'), { timeout: 20_000, interval: 100 }).toBe(true);
      expect(await uids({ sort: { field: 'room', direction: 'DESC' }, status: 'ALL' })).toEqual(unindexed);
      expect(await index('no_such_field')).toBeNull();
      expect(await index('email')).toBeNull();
    });

    it.each<[string, Record<string, unknown>, number]>([
      ['uid', {}, 25],
      ['uid, descending, everyone', { sort: { field: 'uid', direction: 'DESC' }, status: 'ALL' }, 25],
      ['a text field, descending', { sort: { field: 'name', direction: 'DESC' } }, 25],
      ['a number field with ties and gaps', { sort: { field: 'age' }, status: 'ALL' }, 25],
      ['a number field, descending', { sort: { field: 'age', direction: 'DESC' } }, 7],
      ['a boolean field', { sort: { field: 'remote' }, status: 'ALL' }, 25],
      ['a date field, filtered', { sort: { field: 'started', direction: 'DESC' }, filters: [{ field: 'room', operator: 'IS_NOT_EMPTY' }] }, 11],
      ['creation', { sort: { field: 'createdAt' }, status: 'ALL' }, 25],
      ['last update, descending', { sort: { field: 'updatedAt', direction: 'DESC' } }, 30],
      ['uid, searched', { search: 'example.test' }, 1 + 24],
    ])('pages by %s: every person exactly once, in the order of one big page', async (_what, vars, first) => {
      const whole = await page({ ...vars, first: 500 });
      const expected = whole.people.edges.map((e) => e.node.id);
      expect(expected.length).toBe(whole.people.totalCount);
      expect(expected.length).toBeGreaterThan(first * 2);
      const walked = (await walk(vars, first)).map((n) => n.id);
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked).toEqual(expected);
    });

    it('keeps a cursor valid while people change around it', async () => {
      const first = await page({ first: 30, sort: { field: 'age' } });
      const seen = first.people.edges.map((e) => e.node.id);
      // A person before the cursor leaves, one after it changes: the next page neither repeats nor skips.
      const before = first.people.edges[5]!.node;
      await owner.ok(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, { p: before.id });
      const rest = await walk({ sort: { field: 'age' } }, 40, first.people.pageInfo.endCursor);
      await owner.ok(`mutation($p: ID!) { reactivatePerson(id: $p) { id } }`, { p: before.id });
      const all = (await page({ first: 500, sort: { field: 'age' } })).people.edges.map((e) => e.node.id);
      expect([...seen, ...rest.map((n) => n.id)]).toEqual(all);
    });

    it.each<[string, string, string | null, (v: Values) => boolean]>([
      ['EQ', 'name', 'name 014', (v) => v.name === 'NAME 014'],
      ['EQ', 'uid', 'p003', (v) => v.code === 'P003'],
      ['EQ', 'age', '9', (v) => v.age === 9],
      ['EQ', 'remote', 'TRUE', (v) => v.remote === true],
      ['NE', 'room', 'a1', (v) => v.room !== 'A1'],
      ['CONTAINS', 'email', '@EXAMPLE', () => true],
      ['CONTAINS', 'email', '1@', (v) => String(v.email).includes('1@')],
      ['CONTAINS', 'name', '%', (v) => String(v.name).includes('%')],
      ['STARTS_WITH', 'email', 'P11', (v) => String(v.email).startsWith('p11')],
      ['STARTS_WITH', 'uid', 'p1', (v) => String(v.code).startsWith('P1')],
      ['IS_EMPTY', 'age', null, (v) => v.age === undefined],
      ['IS_NOT_EMPTY', 'room', null, (v) => v.room !== undefined],
      ['IS_EMPTY', 'no_such_field', null, () => true],
      ['GT', 'age', '10', (v) => typeof v.age === 'number' && v.age > 10],
      ['LT', 'age', '10', (v) => typeof v.age === 'number' && v.age < 10],
      ['GT', 'age', '9.5', (v) => typeof v.age === 'number' && v.age > 9.5],
      ['LT', 'age', '-1', () => false],
      ['GT', 'started', '2020-01-01', (v) => String(v.started) > '2020-01-01'],
      ['LT', 'started', '2012', (v) => String(v.started) < '2012'],
      // Text compares as text even when the filter value looks like a number: "205" > "150", "1000" < "150".
      ['GT', 'room', '150', (v) => v.room !== undefined && String(v.room) > '150'],
      ['LT', 'room', '150', (v) => v.room !== undefined && String(v.room) < '150'],
      ['GT', 'room', 'A', (v) => v.room !== undefined && String(v.room) > 'A'],
      ['GT', 'uid', 'P100', (v) => String(v.code) > 'P100'],
      ['LT', 'uid', '5', () => false],
    ])('filters %s on %s %j', async (operator, field, value, holds) => {
      const expected = data.filter(holds).map((v) => v.code);
      const filters = [{ field, operator, ...(value === null ? {} : { value }) }];
      const { people } = await page({ first: 500, status: 'ALL', filters });
      expect(people.edges.map((e) => e.node.uid).sort()).toEqual(expected.sort());
      expect(people.totalCount).toBe(expected.length);
    });

    it('combines filters with the status and search, all of which must hold', async () => {
      const filters = [
        { field: 'age', operator: 'GT', value: '9' },
        { field: 'remote', operator: 'EQ', value: 'false' },
        { field: 'room', operator: 'NE', value: '99' },
      ];
      const expected = data
        .filter((v) => !inactive.has(v.code as string) && typeof v.age === 'number' && v.age > 9 && v.remote === false && v.room !== '99' && String(v.email).includes('7'))
        .map((v) => v.code);
      expect(expected.length).toBeGreaterThan(2);
      const { people } = await page({ first: 500, filters, search: '7@' });
      expect(people.totalCount).toBe(expected.filter((c) => String(data.find((v) => v.code === c)!.email).includes('7@')).length);
      expect(people.edges.map((e) => e.node.uid)).toEqual(expected.filter((c) => String(data.find((v) => v.code === c)!.email).includes('7@')).sort());
    });

    it('refuses filters and sorts it cannot run, naming the argument', async () => {
      const bad = async (vars: Record<string, unknown>) => errorOf(await owner.request(PAGE, { l: listId, ...vars }));
      expect(await bad({ filters: [{ field: 'age', operator: 'GT' }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filters', message: 'The GT filter on "age" needs a value.' });
      expect(await bad({ filters: [{ field: "age'; DROP TABLE person; --", operator: 'EQ', value: '1' }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filters' });
      expect(await bad({ sort: { field: 'Name' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sort' });
      expect(await bad({ first: 0 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expect(await bad({ first: -5 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      expect((await uids({ status: 'ALL' })).length).toBe(120);
    });

    it('refuses a cursor it did not issue, whatever is wrong with it', async () => {
      const { people } = await page({ first: 2, sort: { field: 'createdAt' } });
      const good = people.pageInfo.endCursor!;
      const [v, id] = JSON.parse(Buffer.from(good, 'base64url').toString()) as [string, string];
      const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const cases: Array<[string, Record<string, unknown>]> = [
        ['garbage', { after: 'not-a-cursor' }],
        ['truncated', { after: good.slice(0, -4) }],
        ['an id that is not a UUID', { after: forge([v, 'nope']) }],
        ['an impossible time', { after: forge(['2026-02-30T00:00:00.000000Z', id]), sort: { field: 'createdAt' } }],
        ['a time that is not one', { after: forge(['yesterday', id]), sort: { field: 'createdAt' } }],
        ['a number for a UID sort', { after: forge([42, id]) }],
        ['a list for a UID sort', { after: forge([['a', 'b'], id]) }],
      ];
      for (const [what, vars] of cases) {
        expect(await errorOf(await owner.request(PAGE, { l: listId, first: 2, ...vars })), what).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
      // A well-formed cursor from another sort is answered (jsonb sorts accept any JSON value).
      const crossed = await page({ first: 2, sort: { field: 'age' }, after: good });
      expect(crossed.people.edges.length).toBeLessThanOrEqual(2);
      expect((await page({ first: 2, sort: { field: 'createdAt' }, after: good })).people.edges[0]!.node.id).not.toBe(id);
    });

    it('answers an unknown list or a non-UUID list id with NOT_FOUND', async () => {
      for (const l of ['00000000-0000-4000-8000-000000000000', 'list-1']) {
        expect(await errorOf(await owner.request(PAGE, { l }))).toMatchObject({ code: 'NOT_FOUND' });
      }
    });
  });

  describe('changes', () => {
    let crudList: string;

    beforeAll(async () => {
      crudList = (await owner.ok<{ createMasterList: { id: string } }>(
        `mutation { createMasterList(input: { name: "Changes", uidField: { key: "badge", label: "Badge", type: NUMBER } }) { id } }`,
      )).createMasterList.id;
      for (const [key, type, required] of [['full_name', 'TEXT', true], ['email', 'EMAIL', false], ['born', 'DATE', false], ['phone', 'PHONE', false], ['site', 'URL', false]] as const) {
        await owner.ok(`mutation($l: ID!, $i: FieldInput!) { addField(listId: $l, input: $i) { id } }`, { l: crudList, i: { key, label: `The ${key}`, type, required } });
      }
    });

    const create = (values: Record<string, unknown>) => owner.request<{ createPerson: Node }>(CREATE, { l: crudList, v: values });
    const update = (id: string, values: Record<string, unknown>) => owner.request<{ updatePerson: Node }>(UPDATE, { p: id, v: values });
    const read = async (id: string) => (await owner.ok<{ person: Node }>(`query($p: ID!) { person(id: $p) { ${NODE} } }`, { p: id })).person;
    const trail = async (id: string) =>
      (await owner.ok<{ person: { auditTrail: Array<{ action: string; changes: Array<{ field: string; before: unknown; after: unknown }> }> } }>(
        `query($p: ID!) { person(id: $p) { auditTrail { action changes { field before after } } } }`,
        { p: id },
      )).person.auditTrail;

    it('creates a person with normalised values; empty values are not stored', async () => {
      const res = await create({ badge: '0017', full_name: 'Ada Lovelace', email: ' ada@example.org ', born: '1815-12-10', phone: '', site: null });
      expect(res.errors).toBeUndefined();
      const p = res.data!.createPerson;
      expect(p).toMatchObject({ uid: '17', status: 'ACTIVE', deactivatedAt: null, values: { badge: 17, full_name: 'Ada Lovelace', email: 'ada@example.org', born: '1815-12-10' } });
      expect(Object.keys(p.values).sort()).toEqual(['badge', 'born', 'email', 'full_name']);
      expect(p.createdAt).toBe(p.updatedAt);
      expect(Date.now() - Date.parse(p.createdAt)).toBeLessThan(60_000);
      expect(await read(p.id)).toEqual(p);
      expect(await trail(p.id)).toEqual([
        {
          action: 'person.created',
          changes: [
            { field: 'badge', before: null, after: 17 },
            { field: 'full_name', before: null, after: 'Ada Lovelace' },
            { field: 'email', before: null, after: 'ada@example.org' },
            { field: 'born', before: null, after: '1815-12-10' },
          ],
        },
      ]);
    });

    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['an invalid email', { email: 'ada@' }, 'email', /"The email" \(email\) must be an email address/],
      ['an impossible date', { born: '2026-02-30' }, 'born', /"The born" \(born\) must be a date written YYYY-MM-DD/],
      ['an invalid phone', { phone: 'call me' }, 'phone', /must be a phone number/],
      ['a non-http URL', { site: 'ftp://x.test' }, 'site', /must be an http or https address/],
      ['a UID that is not a number', { badge: 'B-1' }, 'badge', /"Badge" \(badge\) must be a number/],
      ['an unknown field', { shoe_size: 9 }, 'shoe_size', /no field "shoe_size"\. Its fields are: badge, full_name, email, born, phone, site\./],
      ['a missing required field', { full_name: '  ' }, 'full_name', /^"The full_name" \(full_name\) is required\.$/],
      ['a missing UID', { badge: null }, 'badge', /^"Badge" \(badge\) is required\.$/],
    ])('refuses %s, naming the field', async (_what, override, field, message) => {
      const res = await create({ badge: 900, full_name: 'Someone', ...override });
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field, message: expect.stringMatching(message) });
      expect((await page({ l: crudList, search: 'someone', status: 'ALL' })).people.totalCount).toBe(0);
    });

    it('refuses a UID another person has, even written differently', async () => {
      await create({ badge: 18, full_name: 'Charles Babbage' });
      for (const badge of [18, '18', ' 018 ', 18.0]) {
        expect(errorOf(await create({ badge, full_name: 'Impostor' }))).toMatchObject({ code: 'CONFLICT', uid: '18', message: 'Another person in this list already has the UID "18".' });
      }
      expect((await page({ l: crudList, search: 'impostor', status: 'ALL' })).people.totalCount).toBe(0);
    });

    it('updates only the values given; null and "" clear one', async () => {
      const p = (await create({ badge: 20, full_name: 'Grace Hopper', email: 'grace@navy.test', born: '1906-12-09', phone: '555 0100' })).data!.createPerson;
      const res = await update(p.id, { email: 'grace@yale.test', born: null, phone: '' });
      expect(res.errors).toBeUndefined();
      expect(res.data!.updatePerson.values).toEqual({ badge: 20, full_name: 'Grace Hopper', email: 'grace@yale.test' });
      expect(res.data!.updatePerson.updatedAt > p.updatedAt).toBe(true);
      expect((await read(p.id)).values).toEqual({ badge: 20, full_name: 'Grace Hopper', email: 'grace@yale.test' });
      expect((await trail(p.id))[0]).toEqual({
        action: 'person.updated',
        changes: [
          { field: 'email', before: 'grace@navy.test', after: 'grace@yale.test' },
          { field: 'born', before: '1906-12-09', after: null },
          { field: 'phone', before: '555 0100', after: null },
        ],
      });
      // A changed UID moves the person's uid with it.
      const moved = await update(p.id, { badge: '21' });
      expect(moved.data?.updatePerson).toMatchObject({ uid: '21', values: { badge: 21 } });
    });

    it('writes nothing for an update that changes nothing', async () => {
      const p = (await create({ badge: 30, full_name: 'Alan Turing', email: 'alan@bletchley.test' })).data!.createPerson;
      const res = await update(p.id, { full_name: 'Alan Turing', email: ' alan@bletchley.test ', badge: '30', born: null, phone: '' });
      expect(res.errors).toBeUndefined();
      expect(res.data!.updatePerson.updatedAt).toBe(p.updatedAt);
      expect(await read(p.id)).toEqual(p);
      expect((await trail(p.id)).map((e) => e.action)).toEqual(['person.created']);
    });

    it('refuses an update that breaks a rule, and keeps the person as they were', async () => {
      const p = (await create({ badge: 40, full_name: 'Katherine Johnson', email: 'kj@nasa.test' })).data!.createPerson;
      await create({ badge: 41, full_name: 'Dorothy Vaughan' });
      const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
        [{ badge: 41 }, { code: 'CONFLICT', uid: '41' }],
        [{ badge: null }, { code: 'BAD_USER_INPUT', field: 'badge' }],
        [{ full_name: '' }, { code: 'BAD_USER_INPUT', field: 'full_name' }],
        [{ email: 'not mail', full_name: 'Changed' }, { code: 'BAD_USER_INPUT', field: 'email' }],
        [{ full_name: 'Changed', nickname: 'KJ' }, { code: 'BAD_USER_INPUT', field: 'nickname' }],
      ];
      for (const [values, error] of cases) expect(errorOf(await update(p.id, values))).toMatchObject(error);
      expect(await read(p.id)).toEqual(p);
      expect((await trail(p.id)).map((e) => e.action)).toEqual(['person.created']);
    });

    it('deactivates and reactivates, keeping values; repeating either changes nothing', async () => {
      const p = (await create({ badge: 50, full_name: 'Hedy Lamarr' })).data!.createPerson;
      const off = await owner.ok<{ deactivatePerson: Node }>(`mutation($p: ID!) { deactivatePerson(id: $p) { ${NODE} } }`, { p: p.id });
      expect(off.deactivatePerson).toMatchObject({ status: 'INACTIVE', values: p.values });
      expect(off.deactivatePerson.deactivatedAt).not.toBeNull();
      const again = await owner.ok<{ deactivatePerson: Node }>(`mutation($p: ID!) { deactivatePerson(id: $p) { ${NODE} } }`, { p: p.id });
      expect(again.deactivatePerson.deactivatedAt).toBe(off.deactivatePerson.deactivatedAt);
      expect((await page({ l: crudList, search: 'hedy' })).people.totalCount).toBe(0);
      expect((await page({ l: crudList, search: 'hedy', status: 'INACTIVE' })).people.totalCount).toBe(1);
      const on = await owner.ok<{ reactivatePerson: Node }>(`mutation($p: ID!) { reactivatePerson(id: $p) { ${NODE} } }`, { p: p.id });
      expect(on.reactivatePerson).toMatchObject({ status: 'ACTIVE', deactivatedAt: null, values: p.values });
      await owner.ok(`mutation($p: ID!) { reactivatePerson(id: $p) { id } }`, { p: p.id });
      const t = await trail(p.id);
      expect(t.map((e) => e.action)).toEqual(['person.reactivated', 'person.deactivated', 'person.created']);
      expect(t[0]!.changes).toEqual([{ field: 'status', before: 'INACTIVE', after: 'ACTIVE' }]);
      expect(t[1]!.changes).toEqual([{ field: 'status', before: 'ACTIVE', after: 'INACTIVE' }]);
    });

    it('answers unknown people with NOT_FOUND and lets viewers read but not write', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
        expect(errorOf(await owner.request(`query($p: ID!) { person(id: $p) { id } }`, { p: id }))).toMatchObject({ code: 'NOT_FOUND' });
        expect(errorOf(await update(id, { full_name: 'x' }))).toMatchObject({ code: 'NOT_FOUND' });
        expect(errorOf(await owner.request(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, { p: id }))).toMatchObject({ code: 'NOT_FOUND' });
      }
      const viewer = (await addMember(server, owner, { email: 'val@acme.test', role: 'VIEWER' })).client;
      const p = (await create({ badge: 60, full_name: 'Ada Yonath' })).data!.createPerson;
      expect((await viewer.ok<{ person: Node }>(`query($p: ID!) { person(id: $p) { ${NODE} } }`, { p: p.id })).person).toEqual(p);
      expect(errorOf(await viewer.request(CREATE, { l: crudList, v: { badge: 61, full_name: 'V' } }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(errorOf(await viewer.request(UPDATE, { p: p.id, v: { full_name: 'V' } }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(errorOf(await viewer.request(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, { p: p.id }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await read(p.id)).toEqual(p);
    });
  });

  it('clamps a page to 500 people however many are asked for', async () => {
    const big = (await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Big", uidField: { key: "n", label: "N", type: NUMBER } }) { id } }`,
    )).createMasterList.id;
    // 501 rows in one statement, as statements.test.ts does: through createPerson they cost ~3 s,
    // and what is tested here is the page size, not how people are created.
    await server.app.orm.em.getConnection().execute(
      `INSERT INTO person (id, organization_id, list_id, uid, "values")
       SELECT gen_random_uuid(), l.organization_id, l.id, g::text, jsonb_build_object('n', g) FROM master_list l, generate_series(1, 501) g WHERE l.id = ?`,
      [big],
    );
    // (The cost limit charges the size asked for, so a cheap selection.)
    for (const first of [501, 5000]) {
      const { people } = await owner.ok<Page>(`query($l: ID!, $f: Int) { people(listId: $l, first: $f) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`, {
        l: big,
        f: first,
      });
      expect(people.totalCount).toBe(501);
      expect(people.edges).toHaveLength(500);
      expect(people.pageInfo.hasNextPage).toBe(true);
    }
  });

  function idOf(v: Values): string {
    return ids.get(v.code as string)!;
  }
});

function cmp(a: unknown, b: unknown): number {
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

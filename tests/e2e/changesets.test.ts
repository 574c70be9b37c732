import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { addMember, createSecondOrganisation, setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, syncAndWait } from '../support/entra.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

const CHANGESET = `id status sessionName createdBy appliedBy appliedAt rolledBackBy rolledBackAt
  counts { total clean conflict nothing blocked pending approved rejected keptMaster skipped applied restored rollbackConflicts }
  changes { id uid field base session master kind blockedReason photoId decision decidedBy returnedAt outcome appliedBefore }`;
const WRITE = `changeset { ${CHANGESET} } written returnedToReview conflicts`;

interface Change {
  id: string;
  uid: string;
  field: string;
  base: unknown;
  session: unknown;
  master: unknown;
  kind: string;
  blockedReason: string | null;
  photoId: string | null;
  decision: string;
  decidedBy: string | null;
  returnedAt: string | null;
  outcome: string | null;
  appliedBefore: unknown;
}
interface Changeset {
  id: string;
  status: string;
  sessionName: string;
  createdBy: string;
  appliedBy: string | null;
  appliedAt: string | null;
  rolledBackBy: string | null;
  rolledBackAt: string | null;
  counts: Record<string, number>;
  changes: Change[];
}
interface WriteResult {
  changeset: Changeset;
  written: number;
  returnedToReview: number;
  conflicts: number;
}

/** A 1×1 PNG (the signature and a real image), as a data: URL. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PNG_URL = `data:image/png;base64,${PNG.toString('base64')}`;

/** Session and changeset operations through GraphQL, as a client would call them. */
function api(client: GraphQLTestClient) {
  return {
    async createPerson(listId: string, values: Record<string, unknown>): Promise<string> {
      const d = await client.ok<{ createPerson: { id: string } }>(`mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { id } }`, { l: listId, v: values });
      return d.createPerson.id;
    },
    async updatePerson(id: string, values: Record<string, unknown>): Promise<void> {
      await client.ok(`mutation($id: ID!, $v: JSONObject!) { updatePerson(id: $id, values: $v) { id } }`, { id, v: values });
    },
    async person(id: string): Promise<Record<string, unknown>> {
      return (await client.ok<{ person: { values: Record<string, unknown> } }>(`query($id: ID!) { person(id: $id) { values } }`, { id })).person.values;
    },
    async createSession(input: Record<string, unknown>): Promise<{ id: string; peopleCount: number }> {
      const d = await client.ok<{ createSession: { id: string; peopleCount: number } }>(`mutation($i: CreateSessionInput!) { createSession(input: $i) { id peopleCount } }`, { i: input });
      return d.createSession;
    },
    async sessionPeople(sessionId: string): Promise<Array<{ personId: string; uid: string; base: Record<string, unknown>; values: Record<string, unknown> }>> {
      const d = await client.ok<{ session: { people: { people: Array<{ personId: string; uid: string; base: Record<string, unknown>; values: Record<string, unknown> }> } } }>(
        `query($s: ID!) { session(id: $s) { people(first: 500) { people { personId uid base values } } } }`,
        { s: sessionId },
      );
      return d.session.people.people;
    },
    async edit(sessionId: string, personId: string, values: Record<string, unknown>): Promise<void> {
      await client.ok(`mutation($s: ID!, $p: ID!, $v: JSONObject!) { updateSessionPerson(sessionId: $s, personId: $p, values: $v) { personId } }`, { s: sessionId, p: personId, v: values });
    },
    async save(sessionId: string): Promise<Changeset> {
      return (await client.ok<{ saveSessionToList: Changeset }>(`mutation($s: ID!) { saveSessionToList(sessionId: $s) { ${CHANGESET} } }`, { s: sessionId })).saveSessionToList;
    },
    async changeset(id: string): Promise<Changeset> {
      return (await client.ok<{ changeset: Changeset }>(`query($id: ID!) { changeset(id: $id) { ${CHANGESET} } }`, { id })).changeset;
    },
    decide: (changesetId: string, changeIds: string[], decision: string) =>
      client.request<{ decideChanges: Changeset }>(`mutation($c: ID!, $ids: [ID!]!, $d: ChangeDecision!) { decideChanges(changesetId: $c, changeIds: $ids, decision: $d) { ${CHANGESET} } }`, { c: changesetId, ids: changeIds, d: decision }),
    async approveClean(changesetId: string): Promise<Changeset> {
      return (await client.ok<{ approveCleanChanges: Changeset }>(`mutation($c: ID!) { approveCleanChanges(changesetId: $c) { ${CHANGESET} } }`, { c: changesetId })).approveCleanChanges;
    },
    apply: (changesetId: string) => client.request<{ applyChangeset: WriteResult }>(`mutation($c: ID!) { applyChangeset(changesetId: $c) { ${WRITE} } }`, { c: changesetId }),
    rollback: (changesetId: string) => client.request<{ rollbackChangeset: WriteResult }>(`mutation($c: ID!) { rollbackChangeset(changesetId: $c) { ${WRITE} } }`, { c: changesetId }),
  };
}

const change = (cs: Changeset, uid: string, field: string) => {
  const c = cs.changes.find((x) => x.uid === uid && x.field === field);
  if (!c) throw new Error(`no change for ${uid}.${field} in ${JSON.stringify(cs.changes.map((x) => `${x.uid}.${x.field}`))}`);
  return c;
};

describe('sessions and reviewed changesets (three-way) through GraphQL', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let a: ReturnType<typeof api>;
  let listId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    a = api(owner);
    const { createMasterList } = await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Students", uidField: { key: "student_no", label: "Student number", type: TEXT } }) { id } }`,
    );
    listId = createMasterList.id;
    for (const [key, label, type] of [['first_name', 'First name', 'TEXT'], ['email', 'Email', 'EMAIL'], ['grade', 'Grade', 'NUMBER'], ['photo', 'Photo', 'PHOTO']]) {
      await owner.ok(`mutation($l: ID!, $i: FieldInput!) { addField(listId: $l, input: $i) { id } }`, { l: listId, i: { key, label, type } });
    }
    for (let i = 1; i <= 6; i++) {
      ids[`S${i}`] = await a.createPerson(listId, { student_no: `S${i}`, first_name: `Name${i}`, email: `s${i}@school.test`, grade: i <= 5 ? 7 : 8 });
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('takes a snapshot of the people the filter matches and edits the copy only', async () => {
    const session = await a.createSession({ listId, name: 'Photo day', filters: [{ field: 'grade', operator: 'EQ', value: '7' }] });
    expect(session.peopleCount).toBe(5);
    const copy = await a.sessionPeople(session.id);
    expect(copy.map((p) => p.uid)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(copy[0]!.base).toEqual(copy[0]!.values);
    // Pages by UID, and search in UIDs and values (not field keys).
    const PAGE = `query($s: ID!, $after: String, $q: String) { session(id: $s) { people(first: 2, after: $after, search: $q) { hasNextPage people { uid } } } }`;
    type Page = { session: { people: { hasNextPage: boolean; people: Array<{ uid: string }> } } };
    const p1 = (await owner.ok<Page>(PAGE, { s: session.id })).session.people;
    expect(p1).toEqual({ hasNextPage: true, people: [{ uid: 'S1' }, { uid: 'S2' }] });
    expect((await owner.ok<Page>(PAGE, { s: session.id, after: 'S4' })).session.people).toEqual({ hasNextPage: false, people: [{ uid: 'S5' }] });
    expect((await owner.ok<Page>(PAGE, { s: session.id, q: 's3@SCHOOL' })).session.people.people).toEqual([{ uid: 'S3' }]);
    expect((await owner.ok<Page>(PAGE, { s: session.id, q: 'email' })).session.people.people).toEqual([]);
    await a.edit(session.id, ids.S1!, { email: 'new1@school.test' });
    expect((await a.sessionPeople(session.id))[0]!.values.email).toBe('new1@school.test');
    expect((await a.person(ids.S1!)).email).toBe('s1@school.test');
    // Values are validated against the field types, as on the list.
    expect(await owner.errorCode(`mutation($s: ID!, $p: ID!) { updateSessionPerson(sessionId: $s, personId: $p, values: { grade: "seven" }) { personId } }`, { s: session.id, p: ids.S1 })).toBe('BAD_USER_INPUT');
    // A person outside the snapshot is not in the session.
    expect(await owner.errorCode(`mutation($s: ID!, $p: ID!) { updateSessionPerson(sessionId: $s, personId: $p, values: { email: "x@y.test" }) { personId } }`, { s: session.id, p: ids.S6 })).toBe('NOT_FOUND');
  });

  it('classifies clean, conflict and nothing; reviews, refuses to apply undecided changes, applies in one go', async () => {
    const session = await a.createSession({ listId, name: 'ID cards', filters: [{ field: 'grade', operator: 'EQ', value: '7' }] });
    await a.edit(session.id, ids.S1!, { email: 'card1@school.test' }); // clean
    await a.edit(session.id, ids.S2!, { first_name: 'Session2' }); // conflict: the list changes too
    await a.edit(session.id, ids.S3!, { first_name: 'Same3' }); // nothing: the list gets the same value
    await a.edit(session.id, ids.S4!, { first_name: 'Clean4', grade: null }); // two clean changes, one a clear
    await a.updatePerson(ids.S2!, { first_name: 'Master2' });
    await a.updatePerson(ids.S3!, { first_name: 'Same3' });

    const cs = await a.save(session.id);
    expect(cs).toMatchObject({ status: 'REVIEW', sessionName: 'ID cards', createdBy: 'ada@acme.test' });
    expect(cs.counts).toMatchObject({ total: 5, clean: 3, conflict: 1, nothing: 1, blocked: 0, pending: 4 });
    expect(change(cs, 'S1', 'email')).toMatchObject({ kind: 'CLEAN', base: 's1@school.test', session: 'card1@school.test', master: 's1@school.test', decision: 'PENDING' });
    expect(change(cs, 'S2', 'first_name')).toMatchObject({ kind: 'CONFLICT', base: 'Name2', session: 'Session2', master: 'Master2' });
    expect(change(cs, 'S3', 'first_name')).toMatchObject({ kind: 'NOTHING', base: 'Name3', session: 'Same3', master: 'Same3' });
    expect(change(cs, 'S4', 'grade')).toMatchObject({ kind: 'CLEAN', base: 7, session: null, master: 7 });

    // Nothing to decide on NOTHING; a conflict is not "rejected" but resolved.
    expect((await a.decide(cs.id, [change(cs, 'S3', 'first_name').id], 'APPROVED')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const wrong = await a.decide(cs.id, [change(cs, 'S2', 'first_name').id], 'REJECTED');
    expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrong.errors?.[0]?.message).toContain('APPROVED, KEEP_MASTER, SKIPPED');

    const refused = await a.apply(cs.id);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(refused.errors?.[0]?.message).toMatch(/^4 changes still await a decision/);

    const approved = await a.approveClean(cs.id);
    expect(approved.counts).toMatchObject({ approved: 3, pending: 1 });
    await a.decide(cs.id, [change(cs, 'S4', 'first_name').id], 'REJECTED');
    const resolved = (await a.decide(cs.id, [change(cs, 'S2', 'first_name').id], 'KEEP_MASTER')).data!.decideChanges;
    expect(change(resolved, 'S2', 'first_name')).toMatchObject({ decision: 'KEEP_MASTER', decidedBy: 'ada@acme.test' });

    const { data } = await a.apply(cs.id);
    expect(data!.applyChangeset).toMatchObject({ written: 2, returnedToReview: 0 });
    expect(data!.applyChangeset.changeset).toMatchObject({ status: 'APPLIED', appliedBy: 'ada@acme.test' });
    expect(change(data!.applyChangeset.changeset, 'S1', 'email')).toMatchObject({ outcome: 'APPLIED', appliedBefore: 's1@school.test' });
    expect(await a.person(ids.S1!)).toMatchObject({ email: 'card1@school.test' });
    expect(await a.person(ids.S2!)).toMatchObject({ first_name: 'Master2' });
    expect(await a.person(ids.S4!)).toEqual({ student_no: 'S4', first_name: 'Name4', email: 's4@school.test' });
    // Through the engine's writer: audited as the member, and the person keeps being managed by hand.
    const { person } = await owner.ok<{ person: { source: string | null; auditTrail: Array<{ action: string; actor: { label: string }; changes: Array<{ field: string; before: unknown; after: unknown }> }> } }>(
      `query($id: ID!) { person(id: $id) { source auditTrail(first: 1) { action actor { label } changes { field before after } } } }`,
      { id: ids.S1 },
    );
    expect(person.source).toBeNull();
    expect(person.auditTrail[0]).toEqual({ action: 'person.updated', actor: { label: 'ada@acme.test' }, changes: [{ field: 'email', before: 's1@school.test', after: 'card1@school.test' }] });
    // Applied once only.
    expect((await a.apply(cs.id)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await a.decide(cs.id, [change(cs, 'S1', 'email').id], 'REJECTED')).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('sends approved changes back to review when the list changed after review, writing nothing', async () => {
    const session = await a.createSession({ listId, name: 'Stale', filters: [{ field: 'grade', operator: 'EQ', value: '7' }] });
    await a.edit(session.id, ids.S1!, { first_name: 'Late1' });
    await a.edit(session.id, ids.S5!, { first_name: 'Late5' });
    const cs = await a.save(session.id);
    await a.approveClean(cs.id);
    await a.updatePerson(ids.S5!, { first_name: 'Meanwhile5' });

    const { data } = await a.apply(cs.id);
    expect(data!.applyChangeset).toMatchObject({ written: 0, returnedToReview: 1 });
    const back = await a.changeset(cs.id);
    expect(back.status).toBe('REVIEW');
    expect(change(back, 'S5', 'first_name')).toMatchObject({ kind: 'CONFLICT', master: 'Meanwhile5', decision: 'PENDING', decidedBy: null });
    expect(change(back, 'S5', 'first_name').returnedAt).not.toBeNull();
    expect(change(back, 'S1', 'first_name')).toMatchObject({ kind: 'CLEAN', decision: 'APPROVED', outcome: null });
    expect((await a.person(ids.S1!)).first_name).toBe('Name1');

    await a.decide(cs.id, [change(back, 'S5', 'first_name').id], 'APPROVED');
    const { data: again } = await a.apply(cs.id);
    expect(again!.applyChangeset).toMatchObject({ written: 2, returnedToReview: 0 });
    expect(change(again!.applyChangeset.changeset, 'S5', 'first_name')).toMatchObject({ outcome: 'APPLIED', appliedBefore: 'Meanwhile5' });
    expect((await a.person(ids.S5!)).first_name).toBe('Late5');
  });

  it('rolls back what it applied, reporting a field changed since as a conflict instead of clobbering it', async () => {
    const session = await a.createSession({ listId, name: 'Rollback', search: 'S6' });
    expect(session.peopleCount).toBe(1);
    await a.edit(session.id, ids.S6!, { first_name: 'Roll6', email: 'roll6@school.test' });
    const cs = await a.save(session.id);
    await a.approveClean(cs.id);
    await a.apply(cs.id);
    await a.updatePerson(ids.S6!, { email: 'later6@school.test' });

    const { data } = await a.rollback(cs.id);
    expect(data!.rollbackChangeset).toMatchObject({ written: 1, conflicts: 1 });
    const after = data!.rollbackChangeset.changeset;
    expect(after).toMatchObject({ status: 'ROLLED_BACK', rolledBackBy: 'ada@acme.test' });
    expect(after.counts).toMatchObject({ restored: 1, rollbackConflicts: 1 });
    expect(change(after, 'S6', 'first_name').outcome).toBe('RESTORED');
    expect(change(after, 'S6', 'email').outcome).toBe('ROLLBACK_CONFLICT');
    expect(await a.person(ids.S6!)).toMatchObject({ first_name: 'Name6', email: 'later6@school.test' });
    const again = await a.rollback(cs.id);
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(again.errors?.[0]?.message).toContain('rolled back');
  });

  it('applies once when two reviewers apply at the same moment', async () => {
    const session = await a.createSession({ listId, name: 'Race', search: 'S4' });
    await a.edit(session.id, ids.S4!, { email: 'race4@school.test' });
    const cs = await a.save(session.id);
    await a.approveClean(cs.id);
    const rae = api((await addMember(server, owner, { email: 'racer@acme.test', role: 'ADMIN' })).client);
    const results = await Promise.all([a.apply(cs.id), rae.apply(cs.id)]);
    expect(results.filter((r) => r.data?.applyChangeset.written === 1)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(1);
    const { person } = await owner.ok<{ person: { auditTrail: Array<{ changes: Array<{ after: unknown }> }> } }>(`query($id: ID!) { person(id: $id) { auditTrail(first: 5) { changes { after } } } }`, { id: ids.S4 });
    expect(person.auditTrail.filter((e) => e.changes.some((c) => c.after === 'race4@school.test'))).toHaveLength(1);
  });

  it('keeps a history per list: who saved, applied and rolled back, newest first; a re-save supersedes', async () => {
    const session = await a.createSession({ listId, name: 'Twice', search: 'S3' });
    await a.edit(session.id, ids.S3!, { email: 'twice3@school.test' });
    const first = await a.save(session.id);
    const second = await a.save(session.id);
    expect((await a.changeset(first.id)).status).toBe('SUPERSEDED');
    expect((await a.approveClean(second.id)).counts.approved).toBe(1);
    const { changesets } = await owner.ok<{ changesets: Array<{ id: string; status: string; sessionName: string; createdBy: string; appliedBy: string | null; rolledBackBy: string | null }> }>(
      `query($l: ID!) { changesets(listId: $l) { id status sessionName createdBy appliedBy rolledBackBy } }`,
      { l: listId },
    );
    expect(changesets.map((c) => [c.sessionName, c.status])).toEqual([
      ['Twice', 'REVIEW'],
      ['Twice', 'SUPERSEDED'],
      ['Race', 'APPLIED'],
      ['Rollback', 'ROLLED_BACK'],
      ['Stale', 'APPLIED'],
      ['ID cards', 'APPLIED'],
    ]);
    expect(changesets[3]).toMatchObject({ createdBy: 'ada@acme.test', appliedBy: 'ada@acme.test', rolledBackBy: 'ada@acme.test' });
    // A session without edits has nothing to save.
    const empty = await a.createSession({ listId, name: 'Empty' });
    expect(await owner.errorCode(`mutation($s: ID!) { saveSessionToList(sessionId: $s) { id } }`, { s: empty.id })).toBe('BAD_USER_INPUT');
  });

  it('uploads, approves and rejects photos; an approved photo becomes a change and is served to members', async () => {
    const session = await a.createSession({ listId, name: 'Photos', search: 'S2' });
    const upload = (dataUrl: string) =>
      owner.request<{ uploadSessionPhoto: { id: string; url: string; status: string } }>(
        `mutation($s: ID!, $p: ID!, $d: String!) { uploadSessionPhoto(sessionId: $s, personId: $p, dataUrl: $d) { id url status } }`,
        { s: session.id, p: ids.S2, d: dataUrl },
      );
    expect((await upload('data:image/png;base64,AAAA')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await upload('data:text/html;base64,PGI+')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const first = (await upload(PNG_URL)).data!.uploadSessionPhoto;
    const second = (await upload(PNG_URL)).data!.uploadSessionPhoto;
    expect(first).toMatchObject({ status: 'PENDING' });
    expect(first.url).toMatch(/^\/session-photos\/[0-9a-f-]{36}\?v=[0-9a-f]{16}$/);
    expect((await fetch(`${server.url}${first.url}`)).status).toBe(401);
    const res = await fetch(`${server.url}${first.url}`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);

    const decide = (id: string, approve: boolean) => owner.ok<{ decideSessionPhoto: { status: string } }>(`mutation($id: ID!, $a: Boolean!) { decideSessionPhoto(photoId: $id, approve: $a) { status } }`, { id, a: approve });
    await decide(first.id, true);
    expect((await a.sessionPeople(session.id))[0]!.values.photo).toBe(first.url);
    // Approving another photo of the person replaces the first; rejecting it puts the snapshot's value back.
    await decide(second.id, true);
    const { session: s } = await owner.ok<{ session: { person: { values: Record<string, unknown>; photos: Array<{ id: string; status: string }> } } }>(
      `query($s: ID!, $p: ID!) { session(id: $s) { person(personId: $p) { values photos { id status } } } }`,
      { s: session.id, p: ids.S2 },
    );
    expect(s.person.values.photo).toBe(second.url);
    expect(Object.fromEntries(s.person.photos.map((p) => [p.id, p.status]))).toEqual({ [first.id]: 'REJECTED', [second.id]: 'APPROVED' });
    await decide(second.id, false);
    expect((await a.sessionPeople(session.id))[0]!.values.photo).toBeUndefined();
    expect(await owner.errorCode(`mutation($s: ID!) { saveSessionToList(sessionId: $s) { id } }`, { s: session.id })).toBe('BAD_USER_INPUT');

    await decide(first.id, true);
    const cs = await a.save(session.id);
    expect(change(cs, 'S2', 'photo')).toMatchObject({ kind: 'CLEAN', base: null, session: first.url, master: null, photoId: first.id });
    await a.approveClean(cs.id);
    expect((await a.apply(cs.id)).data!.applyChangeset.written).toBe(1);
    expect((await a.person(ids.S2!)).photo).toBe(first.url);
  });

  it('announces every decision live to other reviewers (changesetUpdated)', async () => {
    const session = await a.createSession({ listId, name: 'Live', search: 'S1' });
    await a.edit(session.id, ids.S1!, { first_name: 'Live1' });
    const ws = owner.ws();
    const seen: Array<{ id: string; status: string; counts: { approved: number } }> = [];
    const stop = ws.subscribe<{ changesetUpdated: { id: string; status: string; counts: { approved: number } } }>(
      { query: `subscription($l: ID!) { changesetUpdated(listId: $l) { id status counts { approved } } }`, variables: { l: listId } },
      { next: (m) => m.data && seen.push(m.data.changesetUpdated), error: () => undefined, complete: () => undefined },
    );
    try {
      // graphql-ws does not confirm a subscription: save until the first event arrives.
      let cs: Changeset | null = null;
      for (let i = 0; i < 40 && seen.length === 0; i++) {
        cs = await a.save(session.id);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen.length).toBeGreaterThan(0);
      const reviewer = (await addMember(server, owner, { email: 'rae@acme.test', role: 'ADMIN' })).client;
      await api(reviewer).approveClean(cs!.id);
      await expect.poll(() => seen.some((e) => e.id === cs!.id && e.counts.approved === 1), { timeout: 5000 }).toBe(true);
    } finally {
      stop();
      await ws.dispose();
    }
  });

  it('forgets an erased person in sessions and changesets (privacy erase)', async () => {
    const { changesets } = await owner.ok<{ changesets: Array<{ id: string; sessionName: string }> }>(`query($l: ID!) { changesets(listId: $l) { id sessionName } }`, { l: listId });
    const rolledBack = changesets.find((c) => c.sessionName === 'Rollback')!;
    expect((await a.changeset(rolledBack.id)).counts.total).toBe(2);
    await owner.ok(`mutation($id: ID!) { erasePerson(id: $id) }`, { id: ids.S6 });
    const after = await a.changeset(rolledBack.id);
    expect(after.counts.total).toBe(0);
    expect(JSON.stringify(after)).not.toContain('roll6@school.test');
  });

  it('lets viewers read but not change, and keeps other organisations out', async () => {
    const session = await a.createSession({ listId, name: 'Roles', search: 'S5' });
    await a.edit(session.id, ids.S5!, { first_name: 'Role5' });
    const cs = await a.save(session.id);
    const viewer = (await addMember(server, owner, { email: 'vic@acme.test', role: 'VIEWER' })).client;
    expect((await api(viewer).changeset(cs.id)).counts.total).toBe(1);
    expect(await viewer.errorCode(`mutation($c: ID!) { approveCleanChanges(changesetId: $c) { id } }`, { c: cs.id })).toBe('FORBIDDEN');
    expect(await viewer.errorCode(`mutation($s: ID!, $p: ID!) { updateSessionPerson(sessionId: $s, personId: $p, values: { first_name: "x" }) { personId } }`, { s: session.id, p: ids.S5 })).toBe('FORBIDDEN');
    const other = await createSecondOrganisation(server);
    expect(await other.errorCode(`query($id: ID!) { changeset(id: $id) { id } }`, { id: cs.id })).toBe('NOT_FOUND');
    expect(await other.errorCode(`query($id: ID!) { session(id: $id) { id } }`, { id: session.id })).toBe('NOT_FOUND');
    expect(await other.errorCode(`mutation($c: ID!) { applyChangeset(changesetId: $c) { written } }`, { c: cs.id })).toBe('NOT_FOUND');
  });
});

describe('changesets on a list synced from Entra ID: locked fields are blocked, photos still go back', () => {
  let sim: Sim;
  let server: TestServer;
  let owner: GraphQLTestClient;
  let listId: string;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    server = await startServer(sim.env);
    owner = await setupOwner(server);
    const connectionId = await createConnection(owner, sim);
    sim.directory.seedUsers(2, (i, u) => {
      u.employeeId = `E${i}`;
    });
    listId = await createStaffList(owner, 'Staff');
    await configure(owner, {
      listId,
      connectionId,
      mappings: [
        { sourceAttribute: 'employeeId', fieldKey: 'employee_id' },
        { sourceAttribute: 'mail', fieldKey: 'email' },
        { sourceAttribute: 'photo', createField: { label: 'Photo', type: 'PHOTO' } },
      ],
    });
    expect((await syncAndWait(owner, listId, 'FULL')).status).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    await server?.stop();
    await sim?.sim.stop();
  });

  it('shows a locked field as blocked with the reason, and applies the rest', async () => {
    const a = api(owner);
    const session = await a.createSession({ listId, name: 'Badge run', search: 'E0' });
    expect(session.peopleCount).toBe(1);
    const [p] = await a.sessionPeople(session.id);
    await a.edit(session.id, p!.personId, { email: 'changed@contoso.test', badge_note: 'Lanyard' });
    const photo = (await owner.ok<{ uploadSessionPhoto: { id: string; url: string } }>(
      `mutation($s: ID!, $p: ID!, $d: String!) { uploadSessionPhoto(sessionId: $s, personId: $p, dataUrl: $d) { id url } }`,
      { s: session.id, p: p!.personId, d: PNG_URL },
    )).uploadSessionPhoto;
    await owner.ok(`mutation($id: ID!) { decideSessionPhoto(photoId: $id, approve: true) { id } }`, { id: photo.id });

    const cs = await a.save(session.id);
    expect(cs.counts).toMatchObject({ total: 3, clean: 2, blocked: 1 });
    expect(change(cs, 'E0', 'email')).toMatchObject({
      kind: 'BLOCKED',
      blockedReason: '"email" is managed by the Microsoft Entra ID sync of this list; edit it in Microsoft Entra ID or disconnect the sync.',
    });
    expect(change(cs, 'E0', 'photo')).toMatchObject({ kind: 'CLEAN', photoId: photo.id });
    expect((await a.decide(cs.id, [change(cs, 'E0', 'email').id], 'APPROVED')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await a.approveClean(cs.id);
    const { data } = await a.apply(cs.id);
    expect(data!.applyChangeset.written).toBe(2);
    const values = await a.person(p!.personId);
    expect(values).toMatchObject({ email: p!.base.email, badge_note: 'Lanyard', photo: photo.url });
    // Still the sync's person: its source and anchor are kept, and the next run leaves the photo alone.
    const { person } = await owner.ok<{ person: { source: string; sourceAnchor: string } }>(`query($id: ID!) { person(id: $id) { source sourceAnchor } }`, { id: p!.personId });
    expect(person.source).toBe('entra');
    expect(person.sourceAnchor).toBeTruthy();
    expect((await syncAndWait(owner, listId, 'FULL')).status).toBe('SUCCEEDED');
    expect((await a.person(p!.personId)).photo).toBe(photo.url);
  });

  it('holds sync runs for review when the list reviews directory changes, except the kinds it auto-approves', async () => {
    const users = sim.directory.seedUsers(3, (i, u) => {
      u.employeeId = `R${i}`;
    });
    const group = sim.directory.addGroup('Reviewed', users);
    const reviewed = await createStaffList(owner, 'Reviewed staff');
    const connectionId = await createConnection(owner, sim, 'Reviewed connection');
    // The deactivation limit out of the way: the hold comes from the review setting alone.
    await configure(owner, { listId: reviewed, connectionId, scope: { kind: 'GROUP', groupId: group }, deactivationLimitPercent: 100 });
    const { setSyncReviewPolicy } = await owner.ok<{ setSyncReviewPolicy: { reviewSyncChanges: boolean; autoApprove: string[] } }>(
      `mutation($l: ID!) { setSyncReviewPolicy(listId: $l, reviewSyncChanges: true, autoApprove: [UPDATES, CREATES]) { reviewSyncChanges autoApprove } }`,
      { l: reviewed },
    );
    expect(setSyncReviewPolicy).toEqual({ reviewSyncChanges: true, autoApprove: ['CREATES', 'UPDATES'] });

    // Creates and updates are auto-approved: applied without review.
    expect((await syncAndWait(owner, reviewed, 'FULL')).counts.created).toBe(3);
    sim.directory.updateUser(users[0]!, { department: 'Finance' });
    expect((await syncAndWait(owner, reviewed, 'FULL')).status).toBe('SUCCEEDED');
    // A deactivation is not: only it is held, with its plan, until approved; the joiner in the
    // same run is applied at once.
    sim.directory.removeMember(group, users[1]!);
    const [joiner] = sim.directory.seedUsers(1, (_i, u) => {
      u.employeeId = 'R-NEW';
    });
    sim.directory.addMember(group, joiner!);
    const held = await syncAndWait(owner, reviewed, 'FULL');
    expect(held).toMatchObject({
      status: 'HALTED',
      reason: 'this list reviews directory changes before applying: 1 deactivation awaits approval; 1 new person (auto-approved) applied at once',
      counts: { created: 0, deactivated: 1 },
    });
    const active = async () => (await owner.ok<{ people: { totalCount: number } }>(`query($l: ID!) { people(listId: $l) { totalCount } }`, { l: reviewed })).people.totalCount;
    expect(await active()).toBe(4);
    const { syncRun } = await owner.ok<{ syncRun: { preview: { creates: unknown[]; deactivations: Array<{ uid: string }> } } }>(
      `query($id: ID!) { syncRun(id: $id) { preview(first: 10) { creates { uid } deactivations { uid } } } }`,
      { id: held.id },
    );
    expect(syncRun.preview).toEqual({ creates: [], deactivations: [{ uid: 'R1' }] });
    const approved = (await owner.ok<{ approveSyncRun: { status: string; counts: { created: number; deactivated: number } } }>(`mutation($id: ID!) { approveSyncRun(id: $id) { status counts { created deactivated } } }`, { id: held.id })).approveSyncRun;
    expect(approved).toEqual({ status: 'SUCCEEDED', counts: { created: 1, deactivated: 1 } });
    expect(await active()).toBe(3);
    expect(await owner.errorCode(`mutation($l: ID!) { setSyncReviewPolicy(listId: $l, reviewSyncChanges: true, autoApprove: [SOMETIMES]) { id } }`, { l: reviewed })).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('hands a UID from a renumbered person to a newcomer without failing the run, reviewed or not', async () => {
    const [renamed] = sim.directory.seedUsers(1, (_i, u) => {
      u.employeeId = 'U-1';
    });
    const group = sim.directory.addGroup('Renumbered', [renamed!]);
    const listId = await createStaffList(owner, 'Renumbered staff');
    const connectionId = await createConnection(owner, sim, 'Renumbered connection');
    await configure(owner, { listId, connectionId, scope: { kind: 'GROUP', groupId: group }, deactivationLimitPercent: 100 });
    expect((await syncAndWait(owner, listId, 'FULL')).counts.created).toBe(1);
    const newcomer = (employeeId: string) => {
      const [u] = sim.directory.seedUsers(1, (_i, x) => {
        x.employeeId = employeeId;
      });
      sim.directory.addMember(group, u!);
    };
    const uids = async () => (await owner.ok<{ people: { edges: Array<{ node: { uid: string } }> } }>(`query($l: ID!) { people(listId: $l) { edges { node { uid } } } }`, { l: listId })).people.edges.map((e) => e.node.uid).sort();

    // The person's employee id changes and a newcomer gets the old one: the renumbering is written,
    // the newcomer waits (a problem naming why) and is created by the next run.
    sim.directory.updateUser(renamed!, { employeeId: 'U-2' });
    newcomer('U-1');
    const first = await syncAndWait(owner, listId, 'FULL');
    expect(first).toMatchObject({ status: 'SUCCEEDED', counts: { created: 0, updated: 1 } });
    expect(await uids()).toEqual(['U-2']);
    expect((await syncAndWait(owner, listId, 'FULL')).counts).toMatchObject({ created: 1, updated: 0 });
    expect(await uids()).toEqual(['U-1', 'U-2']);

    // Reviewed, with creates auto-approved: the renumbering is held, the newcomer waits for it.
    await owner.ok(`mutation($l: ID!) { setSyncReviewPolicy(listId: $l, reviewSyncChanges: true, autoApprove: [CREATES]) { id } }`, { l: listId });
    sim.directory.updateUser(renamed!, { employeeId: 'U-3' });
    newcomer('U-2');
    const held = await syncAndWait(owner, listId, 'FULL');
    expect(held).toMatchObject({ status: 'HALTED', counts: { created: 0, updated: 1 } });
    expect(await uids()).toEqual(['U-1', 'U-2']);
    const { approveSyncRun } = await owner.ok<{ approveSyncRun: { status: string; counts: { created: number; updated: number } } }>(
      `mutation($id: ID!) { approveSyncRun(id: $id) { status counts { created updated } } }`,
      { id: held.id },
    );
    expect(approveSyncRun).toEqual({ status: 'SUCCEEDED', counts: { created: 0, updated: 1 } });
    expect((await syncAndWait(owner, listId, 'FULL')).counts).toMatchObject({ created: 1 });
    expect(await uids()).toEqual(['U-1', 'U-2', 'U-3']);
  });

  it('approves a held run except the changes an administrator rejected, which stay as they are and are held again next time', async () => {
    const users = sim.directory.seedUsers(5, (i, u) => {
      u.employeeId = `J${i}`;
    });
    const group = sim.directory.addGroup('Judged', users);
    const listId = await createStaffList(owner, 'Judged staff');
    const connectionId = await createConnection(owner, sim, 'Judged connection');
    await configure(owner, { listId, connectionId, scope: { kind: 'GROUP', groupId: group }, deactivationLimitPercent: 100 });
    expect((await syncAndWait(owner, listId, 'FULL')).counts.created).toBe(5);
    await owner.ok(`mutation($l: ID!) { setSyncReviewPolicy(listId: $l, reviewSyncChanges: true, autoApprove: []) { id } }`, { l: listId });

    // Three leave, one joins, one changes department: all held.
    for (const u of users.slice(0, 3)) sim.directory.removeMember(group, u);
    const [joiner] = sim.directory.seedUsers(1, (_i, u) => {
      u.employeeId = 'J-NEW';
    });
    sim.directory.addMember(group, joiner!);
    sim.directory.updateUser(users[4]!, { department: 'Judging' });
    const held = await syncAndWait(owner, listId, 'FULL');
    expect(held).toMatchObject({ status: 'HALTED', counts: { created: 1, updated: 1, deactivated: 3 } });

    const approve = `mutation($id: ID!, $reject: SyncRunRejectionsInput) { approveSyncRun(id: $id, reject: $reject) { status reason counts { created updated deactivated } } }`;
    const viewer = (await addMember(server, owner, { email: 'judge-viewer@acme.test', role: 'VIEWER' })).client;
    expect(await viewer.errorCode(approve, { id: held.id, reject: { kinds: ['UPDATES'] } })).toBe('FORBIDDEN');
    expect(await owner.errorCode(approve, { id: held.id, reject: { changes: [{ kind: 'LEAVERS', uid: 'J1' }] } })).toBe('BAD_USER_INPUT');
    const { approveSyncRun } = await owner.ok<{ approveSyncRun: { status: string; reason: string; counts: Record<string, number> } }>(approve, {
      id: held.id,
      reject: { kinds: ['UPDATES'], changes: [{ kind: 'DEACTIVATIONS', uid: 'J1' }] },
    });
    expect(approveSyncRun).toEqual({
      status: 'SUCCEEDED',
      reason: 'approved by ada@acme.test; 2 changes rejected (1 update, 1 deactivation), left as they are',
      counts: { created: 1, updated: 0, deactivated: 2 },
    });
    const people = await owner.ok<{ people: { edges: Array<{ node: { uid: string; status: string; values: Record<string, unknown> } }> } }>(
      `query($l: ID!) { people(listId: $l, status: ALL, first: 50) { edges { node { uid status values } } } }`,
      { l: listId },
    );
    const byUid = new Map(people.people.edges.map(({ node: p }) => [p.uid, p]));
    expect([...byUid.keys()].sort()).toEqual(['J-NEW', 'J0', 'J1', 'J2', 'J3', 'J4']);
    expect(['J0', 'J1', 'J2'].map((u) => byUid.get(u)!.status)).toEqual(['INACTIVE', 'ACTIVE', 'INACTIVE']);
    expect(byUid.get('J4')!.values.department).not.toBe('Judging');
    // The run's kept plan is what was approved: its preview no longer lists the rejected changes.
    const { syncRun } = await owner.ok<{ syncRun: { preview: { updates: unknown[]; deactivations: Array<{ uid: string }> } } }>(
      `query($id: ID!) { syncRun(id: $id) { preview(first: 10) { updates { uid } deactivations { uid } } } }`,
      { id: held.id },
    );
    expect(syncRun.preview).toEqual({ updates: [], deactivations: [{ uid: 'J0' }, { uid: 'J2' }] });

    // The directory still says so: the next run holds exactly the rejected changes again.
    const again = await syncAndWait(owner, listId, 'FULL');
    expect(again).toMatchObject({ status: 'HALTED', counts: { created: 0, updated: 1, deactivated: 1 } });
    await owner.ok(`mutation($id: ID!) { cancelSyncRun(id: $id) { id } }`, { id: again.id });
  });
});

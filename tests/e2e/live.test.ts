import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { createSecondOrganisation, setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';

interface Change {
  kind: string;
  personId: string;
  person: { uid: string; status: string; values?: Record<string, unknown> } | null;
}

type Watcher = ReturnType<typeof watch>;

/** Collects personChanged events for a list; `next()` waits for the next one. */
function watch(ws: Client, listId: string, person = 'person { uid status }') {
  const events: Change[] = [];
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const stop = ws.subscribe<{ personChanged: Change }>(
    { query: `subscription($l: ID!) { personChanged(listId: $l) { kind personId ${person} } }`, variables: { l: listId } },
    {
      next: (msg) => {
        if (msg.errors) failure = msg.errors;
        else events.push(msg.data!.personChanged);
        wake?.();
      },
      error: (err) => {
        failure = err;
        wake?.();
      },
      complete: () => undefined,
    },
  );
  /** Resolves when something arrives or `ms` pass. */
  const arrival = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });
  const failed = () => new Error(`subscription failed: ${JSON.stringify(failure)}`);
  return {
    stop,
    failure: () => failure,
    async next(ms = 5000): Promise<Change> {
      const deadline = Date.now() + ms;
      for (;;) {
        if (events.length > 0) return events.shift()!;
        if (failure) throw failed();
        if (Date.now() >= deadline) throw new Error(`no event within ${ms} ms`);
        await arrival(deadline - Date.now());
      }
    },
    /** Drops events until one matches; false when none does within `ms`. */
    async skipUntil(match: (c: Change) => boolean, ms: number): Promise<boolean> {
      const deadline = Date.now() + ms;
      for (;;) {
        while (events.length > 0) if (match(events.shift()!)) return true;
        if (failure) throw failed();
        if (Date.now() >= deadline) return false;
        await arrival(deadline - Date.now());
      }
    },
  };
}

/**
 * Waits until every watcher's subscription is live on its server: graphql-ws does not confirm a
 * subscription, so probe people are created in the list until each watcher has seen one.
 * Events before the last probe are dropped.
 */
async function ready(client: GraphQLTestClient, listId: string, uidKey: string, watchers: Watcher[]): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const uid = `probe-${attempt}-${Math.random().toString(36).slice(2)}`;
    await client.ok(`mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { id } }`, { l: listId, v: { [uidKey]: uid } });
    const seen = await Promise.all(watchers.map((w) => w.skipUntil((c) => c.person?.uid === uid, 150)));
    if (seen.every(Boolean)) return;
  }
  throw new Error('subscriptions never became live');
}

describe('live person changes', () => {
  let first: TestServer;
  let second: TestServer;
  let owner: GraphQLTestClient;
  let listId: string;
  let otherListId: string;

  beforeAll(async () => {
    first = await startServer();
    // A second server process on the same database, as behind a load balancer.
    second = await startServer({}, first.db);
    owner = await setupOwner(first);
    const mk = async (name: string) =>
      (await owner.ok<{ createMasterList: { id: string } }>(
        `mutation($n: String!) { createMasterList(input: { name: $n, uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`,
        { n: name },
      )).createMasterList.id;
    listId = await mk('Visitors');
    otherListId = await mk('Contractors');
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
  });

  it('delivers committed changes to subscribers on every server process, and only for their list', async () => {
    const here = owner.ws();
    const there = second.client.as(owner.token!).ws();
    const local = watch(here, listId);
    const remote = watch(there, listId);
    await ready(owner, listId, 'badge', [local, remote]);
    await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { badge: "B-1" }) { id } }`, { l: otherListId });
    const { createPerson } = await owner.ok<{ createPerson: { id: string } }>(
      `mutation($l: ID!) { createPerson(listId: $l, values: { badge: "V-1" }) { id } }`,
      { l: listId },
    );
    // The Contractors event came first but is not delivered: the first event seen is V-1's.
    for (const w of [local, remote]) {
      expect(await w.next()).toEqual({ kind: 'CREATED', personId: createPerson.id, person: { uid: 'V-1', status: 'ACTIVE' } });
    }
    await owner.ok(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, { p: createPerson.id });
    expect((await remote.next()).kind).toBe('DEACTIVATED');
    expect((await local.next()).person).toEqual({ uid: 'V-1', status: 'INACTIVE' });
    await owner.ok(`mutation($p: ID!) { erasePerson(id: $p) }`, { p: createPerson.id });
    expect(await remote.next()).toEqual({ kind: 'ERASED', personId: createPerson.id, person: null });
    local.stop();
    remote.stop();
    await here.dispose();
    await there.dispose();
  });

  it('publishes nothing for a change that fails and rolls back', async () => {
    const ws = owner.ws();
    const w = watch(ws, listId);
    await ready(owner, listId, 'badge', [w]);
    await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { badge: "V-2" }) { id } }`, { l: listId });
    expect((await w.next()).person?.uid).toBe('V-2');
    expect(await owner.errorCode(`mutation($l: ID!) { createPerson(listId: $l, values: { badge: "V-2" }) { id } }`, { l: listId })).toBe('CONFLICT');
    await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { badge: "V-3" }) { id } }`, { l: listId });
    // The next event is V-3's: the failed duplicate announced nothing.
    expect((await w.next()).person?.uid).toBe('V-3');
    w.stop();
    await ws.dispose();
  });

  it('refuses an unauthenticated connection and a list of another organisation', async () => {
    const anonymous = first.client.ws();
    const w = watch(anonymous, listId);
    await expect(w.next()).rejects.toThrow();
    expect(w.failure()).toBeTruthy();
    await anonymous.dispose();

    const ws = owner.ws();
    const foreign = watch(ws, '00000000-0000-4000-8000-000000000000');
    await expect(foreign.next()).rejects.toThrow();
    expect(JSON.stringify(foreign.failure())).toContain('NOT_FOUND');
    await ws.dispose();
  });

  it('delivers every kind of change, with the committed state, across processes', async () => {
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "host", label: "Host", type: TEXT }) { id } }`, { l: listId });
    const there = second.client.as(owner.token!).ws();
    const w = watch(there, listId, 'person { uid status values }');
    await ready(owner, listId, 'badge', [w]);
    const { createPerson } = await owner.ok<{ createPerson: { id: string } }>(`mutation($l: ID!) { createPerson(listId: $l, values: { badge: "V-10", host: "Ada" }) { id } }`, { l: listId });
    const p = { p: createPerson.id };
    expect(await w.next()).toEqual({ kind: 'CREATED', personId: createPerson.id, person: { uid: 'V-10', status: 'ACTIVE', values: { badge: 'V-10', host: 'Ada' } } });
    await owner.ok(`mutation($p: ID!) { updatePerson(id: $p, values: { host: "Grace" }) { id } }`, p);
    expect(await w.next()).toEqual({ kind: 'UPDATED', personId: createPerson.id, person: { uid: 'V-10', status: 'ACTIVE', values: { badge: 'V-10', host: 'Grace' } } });
    // A no-op update is not a change, and announces nothing.
    await owner.ok(`mutation($p: ID!) { updatePerson(id: $p, values: { host: "Grace" }) { id } }`, p);
    await owner.ok(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, p);
    expect(await w.next()).toMatchObject({ kind: 'DEACTIVATED', person: { status: 'INACTIVE' } });
    await owner.ok(`mutation($p: ID!) { reactivatePerson(id: $p) { id } }`, p);
    expect(await w.next()).toMatchObject({ kind: 'REACTIVATED', person: { status: 'ACTIVE', values: { host: 'Grace' } } });
    await owner.ok(`mutation($p: ID!) { erasePerson(id: $p) }`, p);
    expect(await w.next()).toEqual({ kind: 'ERASED', personId: createPerson.id, person: null });
    w.stop();
    await there.dispose();
  });

  it("keeps organisations apart: no subscribing to another's list, no events from it", async () => {
    const globex = await createSecondOrganisation(first);
    const globexList = (await globex.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Globex staff", uidField: { key: "code", label: "Code", type: TEXT } }) { id } }`,
    )).createMasterList.id;
    const ws = globex.ws();
    const intruder = watch(ws, listId);
    await expect(intruder.next()).rejects.toThrow(/NOT_FOUND/);
    const own = watch(ws, globexList);
    await ready(globex, globexList, 'code', [own]);
    await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { badge: "ACME-1" }) { id } }`, { l: listId });
    await globex.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { code: "G-1" }) { id } }`, { l: globexList });
    // Acme's change came first; Globex's subscriber sees only its own.
    expect((await own.next()).person?.uid).toBe('G-1');
    own.stop();
    await ws.dispose();
  });

  it('refuses connections with an unknown or revoked token', async () => {
    const { createApiToken } = await owner.ok<{ createApiToken: { token: string; apiToken: { id: string } } }>(`mutation { createApiToken(name: "live") { token apiToken { id } } }`);
    const script = first.client.as(createApiToken.token);
    const ok = script.ws();
    const live = watch(ok, listId);
    await ready(owner, listId, 'badge', [live]);
    await ok.dispose();
    await owner.ok(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: createApiToken.apiToken.id });
    for (const client of [script, first.client.as('rcp_00000000000000000000000000000000_aaaaaaaaaaaaaaaaaaaaaaaa'), first.client.as('garbage')]) {
      const ws = client.ws();
      await expect(watch(ws, listId).next()).rejects.toThrow(/subscription failed/);
      await ws.dispose();
    }
  });
});

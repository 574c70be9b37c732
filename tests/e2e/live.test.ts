import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';

interface Change {
  kind: string;
  personId: string;
  person: { uid: string; status: string } | null;
}

/** Collects personChanged events for a list; `next()` waits for the next one. */
function watch(ws: Client, listId: string) {
  const events: Change[] = [];
  const waiters: Array<{ resolve: (c: Change) => void; reject: (e: unknown) => void }> = [];
  let failure: unknown = null;
  const fail = (err: unknown) => {
    failure = err;
    for (const w of waiters.splice(0)) w.reject(new Error(`subscription failed: ${JSON.stringify(err)}`));
  };
  const stop = ws.subscribe<{ personChanged: Change }>(
    { query: `subscription($l: ID!) { personChanged(listId: $l) { kind personId person { uid status } } }`, variables: { l: listId } },
    {
      next: (msg) => {
        if (msg.errors) return fail(msg.errors);
        const change = msg.data!.personChanged;
        const w = waiters.shift();
        if (w) w.resolve(change);
        else events.push(change);
      },
      error: fail,
      complete: () => undefined,
    },
  );
  return {
    stop,
    failure: () => failure,
    next: () =>
      new Promise<Change>((resolve, reject) => {
        const queued = events.shift();
        if (queued) return resolve(queued);
        if (failure) return reject(new Error(`subscription failed: ${JSON.stringify(failure)}`));
        const timer = setTimeout(() => reject(new Error('no event within 5 s')), 5000);
        waiters.push({
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
      }),
  };
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
    // Let both subscriptions reach their servers before the first write.
    await new Promise((r) => setTimeout(r, 300));
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
    await new Promise((r) => setTimeout(r, 300));
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
});

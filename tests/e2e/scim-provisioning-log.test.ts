import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startServer, createSecondOrganisation, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { ScimClient, connectScimList } from '../support/scim.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LOG = `query($l: ID!, $op: ProvisioningOperation, $e: Boolean, $m: String, $first: Int, $after: String) {
  provisioningLog(listId: $l, operation: $op, errorsOnly: $e, method: $m, first: $first, after: $after) {
    edges { id operation personId method path status idp durationMs requestBody detail at }
    pageInfo { hasNextPage endCursor }
  }
}`;
type Entry = { id: string; operation: string; personId: string | null; method: string; path: string; status: number; idp: string; durationMs: number; requestBody: Record<string, unknown> | null; detail: string | null };

describe('the provisioning log', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let scim: ScimClient;
  let listId: string;
  const log = async (vars: Record<string, unknown> = {}) => {
    await new Promise((r) => setTimeout(r, 400));
    return (await owner.ok<{ provisioningLog: { edges: Entry[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(LOG, { l: listId, ...vars })).provisioningLog;
  };

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    const c = await connectScimList(owner, 'Logged', 'USERNAME');
    listId = c.listId;
    scim = new ScimClient(c.baseUrl, c.token, { 'user-agent': 'Okta SCIM Client 1.0.0' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('records every request: operation, person, method, path, status, IdP, duration, redacted body', async () => {
    const created = await scim.post('/Users', { schemas: [USER], userName: 'ann', password: 'hunter2-secret', name: { givenName: 'Ann' }, active: true });
    expect(created.status).toBe(201);
    await scim.get(`/Users?filter=${encodeURIComponent('userName eq "ann"')}`);
    await scim.delete(`/Users/${created.body.id}`);
    await new ScimClient(scim.baseUrl, 'sct_wrong', { 'user-agent': 'Microsoft Azure Active Directory SCIM Client' }).get('/Users');
    const { edges } = await log();
    expect(edges.map((e) => [e.operation, e.method, e.status, e.idp])).toEqual([
      ['ERROR', 'GET', 401, 'Microsoft Entra ID'],
      ['DEACTIVATE', 'DELETE', 204, 'Okta'],
      ['READ', 'GET', 200, 'Okta'],
      ['CREATE', 'POST', 201, 'Okta'],
    ]);
    const create = edges[3]!;
    expect(create.requestBody).toMatchObject({ userName: 'ann', password: '[redacted]', name: { givenName: 'Ann' } });
    expect(JSON.stringify(edges)).not.toContain('hunter2');
    expect(create.path).toBe('/Users');
    expect(edges[2]!.path).toBe('/Users?filter=userName eq "ann"');
    expect(create.personId).toBe(edges[1]!.personId);
    expect(create.personId).not.toBeNull();
    expect(edges[0]!.detail).toContain('bearer token is not valid');
    expect(edges.every((e) => e.durationMs >= 0)).toBe(true);
  });

  it('filters by operation, method and errors, and pages newest first', async () => {
    expect((await log({ op: 'CREATE' })).edges.map((e) => e.operation)).toEqual(['CREATE']);
    expect((await log({ e: true })).edges.map((e) => e.status)).toEqual([401]);
    expect((await log({ m: 'delete' })).edges.map((e) => e.method)).toEqual(['DELETE']);
    const first = await log({ first: 3 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await log({ first: 3, after: first.pageInfo.endCursor });
    expect([...first.edges, ...rest.edges].map((e) => e.id)).toEqual((await log()).edges.map((e) => e.id));
    const other = await createSecondOrganisation(server);
    expect(await other.errorCode(LOG, { l: listId })).toBe('NOT_FOUND');
  });

  it('streams new entries live through provisioningLogged', async () => {
    const ws = owner.ws();
    const received: Entry[] = [];
    let resolve: () => void = () => undefined;
    const arrived = new Promise<void>((r) => (resolve = r));
    const stop = ws.subscribe<{ provisioningLogged: Entry }>(
      { query: `subscription($l: ID!) { provisioningLogged(listId: $l) { operation method status path } }`, variables: { l: listId } },
      {
        next: (msg) => {
          if (msg.data) received.push(msg.data.provisioningLogged);
          resolve();
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      await new Promise((r) => setTimeout(r, 300));
      await scim.get('/ServiceProviderConfig');
      await Promise.race([arrived, new Promise((r) => setTimeout(r, 3000))]);
      expect(received[0]).toEqual({ operation: 'READ', method: 'GET', status: 200, path: '/ServiceProviderConfig' });
    } finally {
      stop();
      await ws.dispose();
    }
  });

  it('keeps entries for the configured number of days', async () => {
    const conn = server.app.orm.em.getConnection();
    await conn.execute(`UPDATE provisioning_log SET at = now() - interval '31 days' WHERE list_id = ? AND operation = 'create'`, [listId]);
    const { ProvisioningLog } = await import('../../api/src/scim/provisioning-log.js');
    const { systemClock } = await import('../../api/src/shared/clock.js');
    const { randomIds } = await import('../../api/src/shared/ids.js');
    const pruner = new ProvisioningLog({ orm: server.app.orm, clock: systemClock, ids: randomIds, logger: server.app.logger, retentionDays: 30 });
    try {
      expect(await pruner.prune()).toBe(1);
    } finally {
      await pruner.stop();
    }
    expect((await log({ op: 'CREATE' })).edges).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecondOrganisation, setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { connectScimList, ScimClient } from '../support/scim.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * Every SCIM route of a list, tried with credentials that must not open it: no token, malformed
 * ones, a revoked token, another list's token (same organisation) and a token of another
 * organisation's list. RFC 7644 §3.12 and RFC 6750 §3.1: a missing, malformed or revoked token is
 * 401 with `WWW-Authenticate: Bearer`; a valid token outside its list finds nothing there (404,
 * which also does not confirm that the list exists). Nothing is written and nothing of the list
 * shows in any answer.
 */
describe('SCIM authorisation: every route with the wrong credentials', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let target: { listId: string; token: string; baseUrl: string };
  let userId: string;
  let groupId: string;
  const secrets: string[] = [];
  const credentials: Record<string, { header: string | null; status: number }> = {};

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    target = await connectScimList(owner, 'Staff');
    const scim = new ScimClient(target.baseUrl, target.token);
    const user = await scim.post('/Users', { schemas: [USER], userName: 'grace@acme.test', externalId: 'ext-grace', name: { givenName: 'Grace', familyName: 'Hopper' }, emails: [{ value: 'grace@acme.test', type: 'work', primary: true }], active: true });
    expect(user.status).toBe(201);
    userId = user.body.id;
    const group = await scim.post('/Groups', { schemas: [GROUP], displayName: 'Compilers', members: [{ value: userId }] });
    expect(group.status).toBe(201);
    groupId = group.body.id;
    secrets.push(userId, groupId, 'grace@acme.test', 'ext-grace', 'Hopper', 'Compilers');

    const sibling = await connectScimList(owner, 'Contractors');
    const revoked = await owner.ok<{ generateScimToken: { token: string; scimToken: { id: string } } }>(`mutation($l: ID!) { generateScimToken(listId: $l) { token scimToken { id } } }`, { l: target.listId });
    await owner.ok(`mutation($id: ID!) { revokeScimToken(id: $id) { revokedAt } }`, { id: revoked.generateScimToken.scimToken.id });
    const stranger = await connectScimList(await createSecondOrganisation(server), 'Globex staff');
    Object.assign(credentials, {
      'no token': { header: null, status: 401 },
      'an empty bearer': { header: 'Bearer ', status: 401 },
      'a malformed token': { header: 'Bearer not-a-token', status: 401 },
      'a forged token of the right shape': { header: `Bearer ${target.token.slice(0, -6)}AAAAAA`, status: 401 },
      'basic authentication': { header: `Basic ${Buffer.from(`x:${target.token}`).toString('base64')}`, status: 401 },
      'the token of a session (GraphQL)': { header: `Bearer ${owner.token}`, status: 401 },
      'a revoked token': { header: `Bearer ${revoked.generateScimToken.token}`, status: 401 },
      "another list's token": { header: `Bearer ${sibling.token}`, status: 404 },
      "another organisation's token": { header: `Bearer ${stranger.token}`, status: 404 },
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  const routes = (): Array<[string, string, unknown?]> => [
    ['GET', '/ServiceProviderConfig'],
    ['GET', '/ResourceTypes'],
    ['GET', '/ResourceTypes/User'],
    ['GET', '/Schemas'],
    ['GET', `/Schemas/${USER}`],
    ['GET', '/Users'],
    ['GET', `/Users?filter=${encodeURIComponent('userName eq "grace@acme.test"')}`],
    ['POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "g"' }],
    ['GET', `/Users/${userId}`],
    ['POST', '/Users', { schemas: [USER], userName: 'intruder@evil.test', active: true }],
    ['PUT', `/Users/${userId}`, { schemas: [USER], userName: 'grace@acme.test', name: { familyName: 'Pwned' }, active: true }],
    ['PATCH', `/Users/${userId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }],
    ['DELETE', `/Users/${userId}`],
    ['GET', '/Groups'],
    ['GET', `/Groups/${groupId}`],
    ['POST', '/Groups', { schemas: [GROUP], displayName: 'Intruders' }],
    ['PUT', `/Groups/${groupId}`, { schemas: [GROUP], displayName: 'Pwned', members: [] }],
    ['PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] }],
    ['DELETE', `/Groups/${groupId}`],
    ['GET', '/Nothing'],
  ];

  it('answers every route 401 (with WWW-Authenticate) or 404 as RFC 7644 says, in SCIM error shape, showing nothing of the list', async () => {
    const problems: string[] = [];
    for (const [name, { header, status }] of Object.entries(credentials)) {
      const client = new ScimClient(target.baseUrl, null, header ? { authorization: header } : {});
      for (const [method, path, body] of routes()) {
        const res = await client.request(method, path, body);
        const text = JSON.stringify(res.body);
        if (res.status !== status) problems.push(`${method} ${path} with ${name}: ${res.status}, expected ${status}`);
        if (res.body?.schemas?.[0] !== ERROR || res.body?.status !== String(status)) problems.push(`${method} ${path} with ${name}: not a SCIM error: ${text}`);
        if (status === 401 && !/^Bearer /.test(res.headers.get('www-authenticate') ?? '')) problems.push(`${method} ${path} with ${name}: 401 without WWW-Authenticate`);
        for (const secret of secrets) if (text.includes(secret)) problems.push(`${method} ${path} with ${name}: shows "${secret}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('wrote nothing: the list, its user and its group are as they were', async () => {
    const scim = new ScimClient(target.baseUrl, target.token);
    const users = await scim.get('/Users');
    expect(users.body.totalResults).toBe(1);
    expect(users.body.Resources[0]).toMatchObject({ id: userId, userName: 'grace@acme.test', active: true, name: { familyName: 'Hopper' } });
    const group = await scim.get(`/Groups/${groupId}`);
    expect(group.body).toMatchObject({ displayName: 'Compilers', members: [{ value: userId }] });
    expect((await scim.get('/Groups')).body.totalResults).toBe(1);
    const { people } = await owner.ok<{ people: { totalCount: number } }>(`query($l: ID!) { people(listId: $l, status: ALL) { totalCount } }`, { l: target.listId });
    expect(people.totalCount).toBe(1);
    const [row] = await server.app.orm.em.getConnection().execute<Array<{ n: string }>>(`SELECT count(*) AS n FROM person WHERE values::text LIKE '%intruder%' OR values::text LIKE '%Pwned%'`);
    expect(Number(row!.n)).toBe(0);
  });
});

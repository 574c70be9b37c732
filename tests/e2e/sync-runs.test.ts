import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncRunner, type Source } from '../../api/src/sync/engine/runner.js';
import { randomIds } from '../../api/src/shared/ids.js';
import { systemClock } from '../../api/src/shared/clock.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';

// Runs are started with the engine's runner directly until syncNow and the Entra source exist;
// everything asserted here is read through GraphQL.
describe('sync run history over GraphQL', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let listId: string;
  let orgId: string;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    listId = (await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Staff", uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`,
    )).createMasterList.id;
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "email", label: "Email", type: EMAIL }) { id } }`, { l: listId });
    const conn = server.app.orm.em.getConnection();
    await conn.execute(
      `INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute)
       SELECT gen_random_uuid(), organization_id, list_id, id, 'entra', CASE key WHEN 'email' THEN 'mail' ELSE 'employeeId' END FROM list_field WHERE list_id = ?`,
      [listId],
    );
    orgId = (await conn.execute<Array<{ organization_id: string }>>(`SELECT organization_id FROM master_list WHERE id = ?`, [listId]))[0]!.organization_id;
    const runner = new SyncRunner({ orm: server.app.orm, clock: systemClock, ids: randomIds, logger: createLogger('silent') });
    const source = (emails: string[]): Source => ({
      name: 'entra',
      async *pages() {
        yield emails.map((mail, i) => ({ anchor: `obj-${i}`, active: true, attributes: { employeeId: `E${i}`, mail } }));
      },
    });
    const actor = { type: 'SYNC' as const, id: null, label: 'ada@acme.test' };
    await runner.run({ organizationId: orgId, listId, source: source(['a@x.test', 'b@x.test']), trigger: 'MANUAL', mode: 'DRY_RUN', actor });
    await runner.run({ organizationId: orgId, listId, source: source(['a@x.test', 'not-mail']), trigger: 'SCHEDULE', mode: 'FULL', actor });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lists runs newest first with counts, per-record errors and outcome', async () => {
    const { syncRuns } = await owner.ok<{ syncRuns: Array<Record<string, unknown>> }>(
      `query($l: ID!) { syncRuns(listId: $l) { id source trigger mode status phase reason startedBy finishedAt counts { seen created updated deactivated reactivated unchanged errors } errors { anchor reason } } }`,
      { l: listId },
    );
    expect(syncRuns).toHaveLength(2);
    expect(syncRuns[0]).toMatchObject({
      source: 'entra',
      trigger: 'SCHEDULE',
      mode: 'FULL',
      status: 'SUCCEEDED',
      phase: 'DONE',
      startedBy: 'ada@acme.test',
      counts: { seen: 2, created: 1, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 1 },
      errors: [{ anchor: 'obj-1', reason: expect.stringContaining('must be an email address') }],
    });
    expect(syncRuns[0]!.finishedAt).toBeTruthy();
    expect(syncRuns[1]).toMatchObject({ mode: 'DRY_RUN', status: 'SUCCEEDED', reason: 'dry run: nothing was written', counts: { created: 2 } });
    const { syncRun } = await owner.ok<{ syncRun: { id: string; status: string } }>(`query($id: ID!) { syncRun(id: $id) { id status } }`, { id: syncRuns[1]!.id });
    expect(syncRun).toEqual({ id: syncRuns[1]!.id, status: 'SUCCEEDED' });
  });

  it('hides runs of other organisations and unknown lists', async () => {
    expect(await owner.errorCode(`query { syncRun(id: "00000000-0000-4000-8000-000000000000") { id } }`)).toBe('NOT_FOUND');
    expect(await owner.errorCode(`query { syncRuns(listId: "00000000-0000-4000-8000-000000000000") { id } }`)).toBe('NOT_FOUND');
    expect(await owner.errorCode(`query($l: ID!) { syncRuns(listId: $l, first: 500) { id } }`, { l: listId })).toBe('BAD_USER_INPUT');
    expect(await server.client.errorCode(`query($l: ID!) { syncRuns(listId: $l) { id } }`, { l: listId })).toBe('UNAUTHENTICATED');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { createStaffList } from '../support/entra.js';
import { commitAndWait, download, mapImport, uploadOk } from '../support/csv.js';

describe('CSV export of a list', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let listId: string;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    listId = await createStaffList(owner, 'Export');
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "department", label: "Department", type: TEXT }) { id } }`, { l: listId });
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "grade", label: "Grade", type: NUMBER }) { id } }`, { l: listId });
    const add = (values: Record<string, unknown>) => owner.ok<{ createPerson: { id: string } }>(`mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { id } }`, { l: listId, v: values });
    await add({ employee_id: 'E1', email: 'ada@acme.test', department: 'Sales', grade: -3, badge_note: '=HYPERLINK("http://evil.test","click")' });
    await add({ employee_id: 'E2', email: 'bob@acme.test', department: 'Sales', badge_note: '+1 555 0100' });
    await add({ employee_id: 'E3', email: 'cy@acme.test', department: 'Research, "R&D"', badge_note: '@SUM(A1)\nsecond line' });
    const gone = await add({ employee_id: 'E4', email: 'di@acme.test', department: 'Sales', badge_note: '-2+3' });
    await owner.ok(`mutation($id: ID!) { deactivatePerson(id: $id) { id } }`, { id: gone.createPerson.id });
    await add({ employee_id: 'E5', email: 'ed@acme.test', department: 'Sales', badge_note: '\tTabbed' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('exports active people with every field, formulas neutralised, quoted as needed', async () => {
    const res = await download(owner, `/api/lists/${listId}/export.csv`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/csv; charset=utf-8');
    expect(res.disposition).toBe('attachment; filename="Export.csv"');
    expect(res.text).toBe(
      [
        'Employee ID,Email,Badge note,Department,Grade,Status',
        `E1,ada@acme.test,"'=HYPERLINK(""http://evil.test"",""click"")",Sales,-3,ACTIVE`,
        `E2,bob@acme.test,'+1 555 0100,Sales,,ACTIVE`,
        `E3,cy@acme.test,"'@SUM(A1)\nsecond line","Research, ""R&D""",,ACTIVE`,
        `E5,ed@acme.test,"'\tTabbed",Sales,,ACTIVE`,
        '',
      ].join('\r\n'),
    );
  });

  it('takes the status, chosen columns, search, filters and sort, and an optional UTF-8 BOM for Excel', async () => {
    const all = await download(owner, `/api/lists/${listId}/export.csv?status=ALL&columns=uid,badge_note,status&bom=1`);
    expect(all.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(all.text.slice(1).split('\r\n')).toEqual(['UID,Badge note,Status', expect.stringMatching(/^E1,/), expect.stringMatching(/^E2,/), expect.stringMatching(/^E3,/), "E4,'-2+3,INACTIVE", expect.stringMatching(/^E5,/), '']);
    const inactive = await download(owner, `/api/lists/${listId}/export.csv?status=INACTIVE&columns=email`);
    expect(inactive.text).toBe('Email\r\ndi@acme.test\r\n');
    const filters = encodeURIComponent(JSON.stringify([{ field: 'department', operator: 'EQ', value: 'Sales' }]));
    const sales = await download(owner, `/api/lists/${listId}/export.csv?columns=email&filters=${filters}&sort=email&direction=DESC`);
    expect(sales.text).toBe('Email\r\ned@acme.test\r\nbob@acme.test\r\nada@acme.test\r\n');
    const search = await download(owner, `/api/lists/${listId}/export.csv?columns=uid&search=research`);
    expect(search.text).toBe('UID\r\nE3\r\n');
  });

  it('refuses unknown columns, bad filters and callers without access, with a clear error', async () => {
    const bad = await download(owner, `/api/lists/${listId}/export.csv?columns=uid,salary`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'columns' } });
    expect(JSON.parse(bad.text).error.message).toMatch(/^The list has no field "salary"; export one of uid, status, createdAt, updatedAt, employee_id, email/);
    expect((await download(owner, `/api/lists/${listId}/export.csv?filters=nope`)).status).toBe(400);
    expect((await download(owner, `/api/lists/${listId}/export.csv?status=SOME`)).status).toBe(400);
    expect((await download(server.client, `/api/lists/${listId}/export.csv`)).status).toBe(401);
    expect((await download(owner, `/api/lists/00000000-0000-4000-8000-000000000000/export.csv`)).status).toBe(404);
    // Viewers may read the roster, so they may export it.
    const viewer = await addMember(server, owner, { email: 'vic@acme.test', role: 'VIEWER' });
    expect((await download(viewer.client, `/api/lists/${listId}/export.csv?columns=uid`)).text).toBe('UID\r\nE1\r\nE2\r\nE3\r\nE5\r\n');
  });

  it('exports a file that imports back unchanged', async () => {
    const file = await download(owner, `/api/lists/${listId}/export.csv?status=ALL&columns=employee_id,email,department,grade&bom=1`);
    const copy = await createStaffList(owner, 'Copy');
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "department", label: "Department", type: TEXT }) { id } }`, { l: copy });
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "grade", label: "Grade", type: NUMBER }) { id } }`, { l: copy });
    const imp = await uploadOk(owner, copy, file.bytes, 'Export.csv');
    expect(imp).toMatchObject({ encoding: 'UTF8_BOM', headers: ['Employee ID', 'Email', 'Department', 'Grade'], rowCount: 5 });
    await mapImport(owner, imp.id, [{ sourceAttribute: 'Employee ID', fieldKey: 'employee_id' }, { sourceAttribute: 'Email', fieldKey: 'email' }, { sourceAttribute: 'Department', fieldKey: 'department' }, { sourceAttribute: 'Grade', fieldKey: 'grade' }], 'Employee ID');
    expect(await commitAndWait(owner, imp.id)).toMatchObject({ status: 'SUCCEEDED', counts: { created: 5, errors: 0 } });
    const again = await download(owner, `/api/lists/${copy}/export.csv?columns=employee_id,email,department,grade`);
    const original = await download(owner, `/api/lists/${listId}/export.csv?status=ALL&columns=employee_id,email,department,grade`);
    expect(again.text).toBe(original.text);
  });
});

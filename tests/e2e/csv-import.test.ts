import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, addMember, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { createStaffList, people, RUN_FIELDS } from '../support/entra.js';
import { commitAndWait, download, fixture, IMPORT_FIELDS, mapImport, ROSTER_MAPPINGS, upload, uploadOk } from '../support/csv.js';

const ROSTER_HEADERS = ['Employee ID', 'E-mail', 'First name', 'Last name', 'Department', 'Start date'];

describe('CSV import through HTTP and GraphQL', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  const newList = (name: string) => createStaffList(owner, name);
  const importQuery = (id: string, extra = '') => owner.ok<{ csvImport: Record<string, unknown> }>(`query($id: ID!) { csvImport(id: $id) { ${IMPORT_FIELDS} ${extra} } }`, { id });

  // Real-world exports: each reads the same three people, whatever the program wrote.
  it.each([
    ['excel-utf8-bom-semicolon.csv', 'UTF8_BOM', ';', 'Research; Development'],
    ['google-sheets.csv', 'UTF8', ',', 'Research, Development'],
    ['libreoffice.csv', 'UTF8', ',', 'Research\nand Development'],
    ['excel-unicode-text.txt', 'UTF16LE', '\t', 'Research'],
    ['quoted.csv', 'UTF8', ',', 'The "Lab", floor 2\nroom 7'],
  ])('imports %s', async (file, encoding, delimiter, department) => {
    const listId = await newList(file);
    const imp = await uploadOk(owner, listId, fixture(file), file);
    expect(imp).toMatchObject({ fileName: file, encoding, delimiter, headers: ROSTER_HEADERS, rowCount: 3, byteSize: fixture(file).length });
    expect(imp.sampleRows[0]).toEqual(['E001', 'zoe@acme.test', 'Zoë', 'Ångström', department, '2026-09-01']);
    await mapImport(owner, imp.id, ROSTER_MAPPINGS, 'Employee ID');
    const { csvImport } = await importQuery(imp.id, 'validation { rowCount validRows invalidRows errorCount warningCount problems { row column severity message } }');
    expect(csvImport.validation).toEqual({ rowCount: 3, validRows: 3, invalidRows: 0, errorCount: 0, warningCount: 0, problems: [] });
    const run = await commitAndWait(owner, imp.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', mode: 'DELTA', counts: { seen: 3, created: 3, updated: 0, errors: 0 } });
    const roster = await people(owner, listId);
    expect(roster.get('E001')).toMatchObject({ status: 'ACTIVE', values: { employee_id: 'E001', email: 'zoe@acme.test', first_name: 'Zoë', last_name: 'Ångström', department, start_date: '2026-09-01' } });
    expect(roster.get('E003')!.values).not.toHaveProperty('start_date');
  });

  it.each([
    ['empty.csv', 'EMPTY', /file is empty/],
    ['blank-lines.csv', 'EMPTY', /file is empty/],
    ['header-only.csv', 'HEADER_ONLY', /header row \(Employee ID, E-mail, First name\) but no rows of people/],
    ['workbook.xlsx', 'BINARY', /Excel workbook \(\.xlsx\).*not a CSV file.*CSV UTF-8/],
    ['windows-1252.csv', 'ENCODING', /not UTF-8 or UTF-16 text.*Windows-1252/],
  ])('refuses %s and keeps nothing', async (file, problem, message) => {
    const listId = await newList(`refused ${file}`);
    const res = await upload(owner, listId, fixture(file), file);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', problem, field: 'file' });
    expect(res.body.error!.message).toMatch(message);
    const [{ n }] = await server.app.orm.em.getConnection().execute<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM csv_import WHERE list_id = ?`, [listId]);
    expect(n).toBe(0);
  });

  it('needs a signed-in admin, a CSV content type and a list of the organisation', async () => {
    const listId = await newList('auth');
    expect((await upload(server.client, listId, 'a\n1\n')).status).toBe(401);
    const viewer = await addMember(server, owner, { email: 'vera@acme.test', role: 'VIEWER' });
    const refused = await upload(viewer.client, listId, 'a\n1\n');
    expect(refused.status).toBe(403);
    expect((await upload(owner, listId, 'a\n1\n', 'x.csv', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await upload(owner, '00000000-0000-4000-8000-000000000000', 'a\n1\n')).status).toBe(404);
  });
});

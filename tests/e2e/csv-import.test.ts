import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, addMember, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { createStaffList, people } from '../support/entra.js';
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

  it('applies at once on a list that reviews directory changes: the preview was the review', async () => {
    const listId = await newList('reviewed list');
    await owner.ok(`mutation($l: ID!) { setSyncReviewPolicy(listId: $l, reviewSyncChanges: true, autoApprove: []) { reviewSyncChanges } }`, { l: listId });
    const imp = await uploadOk(owner, listId, fixture('google-sheets.csv'), 'google-sheets.csv');
    await mapImport(owner, imp.id, ROSTER_MAPPINGS, 'Employee ID');
    const run = await commitAndWait(owner, imp.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', counts: { created: 3 } });
    expect((await people(owner, listId)).size).toBe(3);
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
    const rows = await server.app.orm.em.getConnection().execute<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM csv_import WHERE list_id = ?`, [listId]);
    expect(rows[0]!.n).toBe(0);
  });

  it('keeps uploaded files for a week', async () => {
    const listId = await newList('kept');
    const old = await uploadOk(owner, listId, fixture('google-sheets.csv'));
    const conn = server.app.orm.em.getConnection();
    await conn.execute(`UPDATE csv_import SET created_at = now() - interval '8 days' WHERE id = ?`, [old.id]);
    const recent = await uploadOk(owner, listId, fixture('google-sheets.csv'));
    expect(await conn.execute(`SELECT id FROM csv_import WHERE list_id = ?`, [listId])).toEqual([{ id: recent.id }]);
    expect(await conn.execute(`SELECT import_id FROM csv_import_chunk WHERE import_id = ?`, [old.id])).toEqual([]);
    expect(await owner.errorCode(`query($id: ID!) { csvImport(id: $id) { id } }`, { id: old.id })).toBe('NOT_FOUND');
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

describe('CSV validation, commit modes and locks', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
  });
  afterAll(async () => {
    await server.stop();
  });
  const sql = <T extends Array<Record<string, unknown>>>(q: string, p: unknown[] = []) => server.app.orm.em.getConnection().execute<T>(q, p);
  const validation = async (id: string) =>
    (await owner.ok<{ csvImport: { validation: Record<string, unknown> & { problems: unknown[]; problemsUrl: string } } }>(
      `query($id: ID!) { csvImport(id: $id) { validation(first: 50) { rowCount validRows invalidRows errorCount warningCount problemsUrl problems { row column severity message } } } }`,
      { id },
    )).csvImport.validation;
  const rosterCsv = (rows: Array<[string, string, string]>) => `Employee ID,E-mail,Department\n${rows.map((r) => r.join(',')).join('\n')}\n`;
  const MAP = [
    { sourceAttribute: 'Employee ID', fieldKey: 'employee_id' },
    { sourceAttribute: 'E-mail', fieldKey: 'email' },
    { sourceAttribute: 'Department', fieldKey: 'department' },
  ];
  const staffList = async (name: string) => {
    const listId = await createStaffList(owner, name);
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "department", label: "Department", type: TEXT }) { id } }`, { l: listId });
    return listId;
  };
  const importFile = async (listId: string, csv: string | Buffer, mappings: Array<Record<string, unknown>> = MAP, uid = 'Employee ID') => {
    const imp = await uploadOk(owner, listId, csv);
    await mapImport(owner, imp.id, mappings, uid);
    return imp.id;
  };

  it('reports every problem with its row and column, offers them as CSV, and writes nothing unless invalid rows are skipped', async () => {
    const listId = await createStaffList(owner, 'Problems');
    const imp = await uploadOk(owner, listId, fixture('problems.csv'));
    await mapImport(owner, imp.id, ROSTER_MAPPINGS, 'Employee ID');
    const v = await validation(imp.id);
    expect(v).toMatchObject({ rowCount: 6, validRows: 1, invalidRows: 5, errorCount: 6, warningCount: 2, problemsUrl: `/api/imports/${imp.id}/problems.csv` });
    expect(v.problems).toEqual([
      { row: 1, column: 'Notes', severity: 'WARNING', message: '"Notes" is not mapped to a field, so its values are not imported. Map it if you need it.' },
      { row: 1, column: 'Notes', severity: 'WARNING', message: 'The header "Notes" appears twice (columns 7 and 8); only column 7 can be mapped. Rename one of them in the file.' },
      { row: 3, column: 'E-mail', severity: 'ERROR', message: '"not-an-email" is not an email address such as ada@example.org.' },
      { row: 3, column: 'Start date', severity: 'ERROR', message: '"01/09/2026" is not a date written YYYY-MM-DD, such as 2026-09-01 (accepted: YYYY-MM-DD, or an ISO 8601 date and time such as 2026-09-01T08:30:00Z).' },
      { row: 4, column: 'Employee ID', severity: 'ERROR', message: 'No UID: every row needs a value in "Employee ID", which identifies the person.' },
      { row: 5, column: 'Employee ID', severity: 'ERROR', message: 'The UID "E001" is also on row 2; each person must appear once.' },
      { row: 6, column: null, severity: 'ERROR', message: 'Row 6 has 9 values but the header has 8 columns. Check for a missing or extra delimiter, or a quote that is not closed.' },
      { row: 7, column: 'Start date', severity: 'ERROR', message: '"2026-02-30" is not a date written YYYY-MM-DD, such as 2026-09-01 (accepted: YYYY-MM-DD, or an ISO 8601 date and time such as 2026-09-01T08:30:00Z).' },
    ]);
    const file = await download(owner, v.problemsUrl);
    expect(file.status).toBe(200);
    expect(file.type).toMatch(/^text\/csv/);
    expect(file.disposition).toMatch(/attachment/);
    const lines = file.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe('Row,Column,Severity,Problem');
    expect(lines[3]).toBe('3,E-mail,ERROR,"""not-an-email"" is not an email address such as ada@example.org."');
    expect(lines[7]).toBe('6,,ERROR,"Row 6 has 9 values but the header has 8 columns. Check for a missing or extra delimiter, or a quote that is not closed."');
    expect((await download(server.client, v.problemsUrl)).status).toBe(401);

    const refused = await owner.request(`mutation($i: CsvImportOptionsInput!) { commitCsvImport(input: $i) { id } }`, { i: { importId: imp.id } });
    expect(refused.errors?.[0]).toMatchObject({
      message: 'The file has 6 problems in 5 rows; nothing was imported. Fix them and upload the file again, or choose to skip invalid rows.',
      extensions: { code: 'BAD_USER_INPUT', field: 'skipInvalidRows' },
    });
    expect((await people(owner, listId)).size).toBe(0);
    expect(await sql(`SELECT id FROM sync_run WHERE list_id = ?`, [listId])).toEqual([]);

    const run = await commitAndWait(owner, imp.id, { skipInvalidRows: true });
    expect(run).toMatchObject({ status: 'SUCCEEDED', counts: { seen: 6, created: 1, errors: 5 } });
    expect(run.errors.map((e) => e.reason)).toEqual([
      'row 3, column "E-mail": "not-an-email" is not an email address such as ada@example.org.',
      'row 4, column "Employee ID": No UID: every row needs a value in "Employee ID", which identifies the person.',
      'row 5, column "Employee ID": The UID "E001" is also on row 2; each person must appear once.',
      'row 6: Row 6 has 9 values but the header has 8 columns. Check for a missing or extra delimiter, or a quote that is not closed.',
      'row 7, column "Start date": "2026-02-30" is not a date written YYYY-MM-DD, such as 2026-09-01 (accepted: YYYY-MM-DD, or an ISO 8601 date and time such as 2026-09-01T08:30:00Z).',
    ]);
    expect([...(await people(owner, listId)).keys()]).toEqual(['E001']);
    // A file is committed once.
    expect(await owner.errorCode(`mutation($i: CsvImportOptionsInput!) { commitCsvImport(input: $i) { id } }`, { i: { importId: imp.id, skipInvalidRows: true } })).toBe('CONFLICT');
  });

  it('refuses a file whose UID column is empty in every row, even when skipping invalid rows', async () => {
    const listId = await createStaffList(owner, 'No UIDs');
    const id = await importFile(listId, fixture('uid-empty.csv'), [
      { sourceAttribute: 'Employee ID', fieldKey: 'employee_id' },
      { sourceAttribute: 'E-mail', fieldKey: 'email' },
    ]);
    const v = await validation(id);
    expect(v.problems.at(-1)).toEqual({ row: null, column: 'Employee ID', severity: 'ERROR', message: 'The UID column "Employee ID" is empty in every row, so no one can be identified. Choose the column that holds each person\'s unique identifier.' });
    const res = await owner.request(`mutation($i: CsvImportOptionsInput!) { commitCsvImport(input: $i) { id } }`, { i: { importId: id, skipInvalidRows: true } });
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'file' } });
    expect(res.errors?.[0]!.message).toMatch(/empty in every row/);
    expect((await people(owner, listId)).size).toBe(0);
  });

  it('previews with field-level before and after, then commits; full roster deactivates the missing within the limit and halts beyond it', async () => {
    const listId = await staffList('Roster');
    const ten = Array.from({ length: 10 }, (_, i) => [`E${i}`, `p${i}@acme.test`, 'Sales'] as [string, string, string]);
    expect(await commitAndWait(owner, await importFile(listId, rosterCsv(ten)))).toMatchObject({ status: 'SUCCEEDED', counts: { created: 10 } });
    // Someone added by hand is the roster's too.
    await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { employee_id: "M1", email: "m1@acme.test" }) { id } }`, { l: listId });

    const changed = ten.slice(0, 9).map(([u, e], i) => [u, e, i === 0 ? 'Research' : 'Sales'] as [string, string, string]);
    const id = await importFile(listId, rosterCsv([...changed, ['E10', 'new@acme.test', 'Sales']]));
    const { previewCsvImport } = await owner.ok<{ previewCsvImport: { run: { status: string; mode: string; counts: Record<string, number>; preview: Record<string, Array<Record<string, unknown>>> }; possibleDuplicates: unknown[] } }>(
      `mutation($i: CsvImportOptionsInput!) { previewCsvImport(input: $i) { possibleDuplicates { uid } run { status mode counts { created updated unchanged deactivated reactivated errors }
         preview(first: 5) { creates { uid values } updates { uid changes { field before after } } deactivations { uid reason } } } } }`,
      { i: { importId: id, fullRoster: true } },
    );
    expect(previewCsvImport.run).toMatchObject({ status: 'SUCCEEDED', mode: 'DRY_RUN', counts: { created: 1, updated: 1, unchanged: 8, deactivated: 2, reactivated: 0, errors: 0 } });
    expect(previewCsvImport.run.preview.creates).toEqual([{ uid: 'E10', values: { employee_id: 'E10', email: 'new@acme.test', department: 'Sales' } }]);
    expect(previewCsvImport.run.preview.updates).toEqual([{ uid: 'E0', changes: [{ field: 'department', before: 'Sales', after: 'Research' }] }]);
    expect(previewCsvImport.run.preview.deactivations!.map((d) => d.uid).sort()).toEqual(['E9', 'M1']);
    expect(previewCsvImport.possibleDuplicates).toEqual([]);
    expect((await people(owner, listId)).get('E0')!.values.department).toBe('Sales');

    const run = await commitAndWait(owner, id, { fullRoster: true });
    expect(run).toMatchObject({ status: 'SUCCEEDED', mode: 'FULL', counts: { created: 1, updated: 1, deactivated: 2 } });
    let roster = await people(owner, listId);
    expect(roster.get('E9')!.status).toBe('INACTIVE');
    expect(roster.get('M1')!.status).toBe('INACTIVE');
    expect(roster.get('E0')!.values.department).toBe('Research');
    // Audited as the import, field by field.
    const { person } = await owner.ok<{ person: { auditTrail: Array<{ action: string; actor: { type: string; label: string }; changes: unknown[] }> } }>(
      `query($id: ID!) { person(id: $id) { auditTrail { action actor { type label } changes { field before after } } } }`,
      { id: (await sql<Array<{ id: string }>>(`SELECT id FROM person WHERE list_id = ? AND uid = 'E9'`, [listId]))[0]!.id },
    );
    expect(person.auditTrail[0]).toEqual({ action: 'person.deactivated', actor: { type: 'SYNC', label: 'CSV import of roster.csv (by ada@acme.test)' }, changes: [{ field: 'status', before: 'ACTIVE', after: 'INACTIVE' }] });
    // Without "full roster" a file only adds and updates; E9 comes back.
    const back = await commitAndWait(owner, await importFile(listId, rosterCsv([['E9', 'p9@acme.test', 'Sales']])));
    expect(back.counts).toMatchObject({ reactivated: 1, deactivated: 0 });

    // Three of eleven active people missing is more than the list's 20 % limit: halted, nothing written.
    const halted = await commitAndWait(owner, await importFile(listId, rosterCsv(changed.slice(0, 6).concat([['E9', 'p9@acme.test', 'Sales'], ['E10', 'new@acme.test', 'Sales']]))), { fullRoster: true });
    expect(halted).toMatchObject({ status: 'HALTED', counts: { deactivated: 3 } });
    expect(halted.reason).toBe('3 of 11 active people (27.3%) would be deactivated, more than the limit of 20%');
    roster = await people(owner, listId);
    expect([...roster.values()].filter((p) => p.status === 'ACTIVE')).toHaveLength(11);
  });

  it('leaves fields a directory sync owns unchanged (reported), keeps those people with the directory, and never locks fields itself', async () => {
    const listId = await staffList('Locked');
    const conn = server.app.orm.em.getConnection();
    // A directory manages E1 and owns "email" (set up as an Entra sync would leave it).
    await conn.execute(`INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute) SELECT gen_random_uuid(), organization_id, list_id, id, 'entra', key FROM list_field WHERE list_id = ? AND key IN ('employee_id', 'email')`, [listId]);
    await conn.execute(`UPDATE master_list SET sync_provider = 'entra' WHERE id = ?`, [listId]);
    await conn.execute(
      `INSERT INTO person (id, organization_id, list_id, uid, status, "values", source, source_anchor) SELECT gen_random_uuid(), organization_id, id, 'E1', 'ACTIVE', '{"employee_id":"E1","email":"e1@dir.test"}', 'entra', 'obj-1' FROM master_list WHERE id = ?`,
      [listId],
    );
    const id = await importFile(listId, rosterCsv([['E1', 'changed@acme.test', 'Finance'], ['E2', 'e2@acme.test', 'Sales']]));
    const v = await validation(id);
    expect(v.problems).toEqual([
      { row: 1, column: 'E-mail', severity: 'WARNING', message: '"Email" is managed by the Microsoft Entra ID sync of this list, so the values of "E-mail" are left unchanged; change them in Microsoft Entra ID.' },
    ]);
    const run = await commitAndWait(owner, id, { fullRoster: true });
    expect(run).toMatchObject({ status: 'SUCCEEDED', counts: { created: 1, updated: 1, deactivated: 0 } });
    const roster = await people(owner, listId);
    expect(roster.get('E1')!.values).toEqual({ employee_id: 'E1', email: 'e1@dir.test', department: 'Finance' });
    expect(roster.get('E2')!.values).toEqual({ employee_id: 'E2', department: 'Sales' });
    expect(await sql(`SELECT uid, source, source_anchor FROM person WHERE list_id = ? ORDER BY uid`, [listId])).toEqual([
      { uid: 'E1', source: 'entra', source_anchor: 'obj-1' },
      { uid: 'E2', source: 'csv', source_anchor: 'E2' },
    ]);
    // CSV owns nothing: its people's fields stay editable by hand.
    const e2 = await sql<Array<{ id: string }>>(`SELECT id FROM person WHERE list_id = ? AND uid = 'E2'`, [listId]);
    await owner.ok(`mutation($id: ID!) { updatePerson(id: $id, values: { department: "Edited" }) { id } }`, { id: e2[0]!.id });
  });

  it('remembers the mapping per list and suggests it, and flags possible duplicates for a decision', async () => {
    const listId = await staffList('Remembered');
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "first_name", label: "First name", type: TEXT }) { id } }`, { l: listId });
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "last_name", label: "Last name", type: TEXT }) { id } }`, { l: listId });
    const mapping = [
      { sourceAttribute: 'Staff no', fieldKey: 'employee_id' },
      { sourceAttribute: 'Work address', fieldKey: 'email', transform: 'LOWERCASE' },
      { sourceAttribute: 'Given', fieldKey: 'first_name' },
      { sourceAttribute: 'Family', fieldKey: 'last_name' },
      { sourceAttribute: 'Born', createField: { label: 'Date of birth', type: 'DATE' } },
    ];
    const first = await importFile(listId, 'Staff no,Work address,Given,Family,Born\nE1,Ann@Acme.test,Ann,Lee,2000-01-01\n', mapping, 'Staff no');
    expect(await commitAndWait(owner, first)).toMatchObject({ status: 'SUCCEEDED', counts: { created: 1 } });
    await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { employee_id: "M7", email: "bob@acme.test" }) { id } }`, { l: listId });

    const second = await uploadOk(owner, listId, 'Staff no,Work address,Given,Family,Born,Phone\nE2,ann.lee@acme.test,ann,LEE,2000-01-01,123\nE3,BOB@acme.test,Bob,Ray,1990-05-05,456\n');
    const { csvImport } = await owner.ok<{ csvImport: { columns: Array<Record<string, unknown>> } }>(
      `query($id: ID!) { csvImport(id: $id) { columns { name position samples suggestedFieldKey suggestedType suggestedUid } } }`,
      { id: second.id },
    );
    expect(csvImport.columns).toEqual([
      { name: 'Staff no', position: 1, samples: ['E2', 'E3'], suggestedFieldKey: 'employee_id', suggestedType: 'TEXT', suggestedUid: true },
      { name: 'Work address', position: 2, samples: ['ann.lee@acme.test', 'BOB@acme.test'], suggestedFieldKey: 'email', suggestedType: 'EMAIL', suggestedUid: false },
      { name: 'Given', position: 3, samples: ['ann', 'Bob'], suggestedFieldKey: 'first_name', suggestedType: 'TEXT', suggestedUid: false },
      { name: 'Family', position: 4, samples: ['LEE', 'Ray'], suggestedFieldKey: 'last_name', suggestedType: 'TEXT', suggestedUid: false },
      { name: 'Born', position: 5, samples: ['2000-01-01', '1990-05-05'], suggestedFieldKey: 'date_of_birth', suggestedType: 'DATE', suggestedUid: false },
      { name: 'Phone', position: 6, samples: ['123', '456'], suggestedFieldKey: null, suggestedType: 'NUMBER', suggestedUid: false },
    ]);
    await mapImport(owner, second.id, mapping.slice(0, 4).concat([{ sourceAttribute: 'Born', fieldKey: 'date_of_birth' }]), 'Staff no');
    const { previewCsvImport } = await owner.ok<{ previewCsvImport: { possibleDuplicates: Array<Record<string, unknown>>; run: { counts: Record<string, number> } } }>(
      `mutation($i: CsvImportOptionsInput!) { previewCsvImport(input: $i) { run { counts { created updated } } possibleDuplicates { uid personUid reason values personValues } } }`,
      { i: { importId: second.id } },
    );
    expect(previewCsvImport.possibleDuplicates).toEqual([
      { uid: 'E2', personUid: 'E1', reason: 'NAME_AND_BIRTH_DATE', values: { employee_id: 'E2', email: 'ann.lee@acme.test', first_name: 'ann', last_name: 'LEE', date_of_birth: '2000-01-01' }, personValues: { employee_id: 'E1', email: 'ann@acme.test', first_name: 'Ann', last_name: 'Lee', date_of_birth: '2000-01-01' } },
      { uid: 'E3', personUid: 'M7', reason: 'EMAIL', values: {}, personValues: { employee_id: 'M7', email: 'bob@acme.test' } },
    ]);
    // The administrator decides E2 is Ann: left out; Bob (matched by email) takes the file's UID.
    const run = await commitAndWait(owner, second.id, { skipUids: ['E2'] });
    expect(run).toMatchObject({ status: 'SUCCEEDED', counts: { created: 0, updated: 1, errors: 1 } });
    expect(run.errors).toEqual([{ anchor: 'E2', reason: 'row 2: left out by the administrator (possible duplicate)' }]);
    expect([...(await people(owner, listId)).keys()].sort()).toEqual(['E1', 'E3']);
  });

  it('streams progress of a commit over syncRunProgress, and refuses a second run of the list meanwhile', async () => {
    const listId = await staffList('Progress');
    const rows = Array.from({ length: 20_000 }, (_, i) => [`E${i}`, `p${i}@acme.test`, i % 2 ? 'Sales' : 'Research'] as [string, string, string]);
    const id = await importFile(listId, rosterCsv(rows));
    const other = await importFile(listId, rosterCsv([['X1', 'x1@acme.test', 'Sales']]));
    const { commitCsvImport } = await owner.ok<{ commitCsvImport: { id: string; source: string; status: string } }>(
      `mutation($i: CsvImportOptionsInput!) { commitCsvImport(input: $i) { id source status } }`,
      { i: { importId: id } },
    );
    expect(commitCsvImport).toMatchObject({ source: 'csv' });
    expect(['QUEUED', 'RUNNING']).toContain(commitCsvImport.status);
    const busy = await owner.request(`mutation($i: CsvImportOptionsInput!) { commitCsvImport(input: $i) { id } }`, { i: { importId: other } });
    expect(busy.errors?.[0]).toMatchObject({ message: 'A sync of this list is already in progress; wait for it to finish or cancel it.', extensions: { code: 'CONFLICT' } });
    const ws = owner.ws();
    const seen: Array<{ status: string; phase: string; counts: { seen: number; created: number } }> = [];
    await new Promise<void>((resolve, reject) =>
      ws.subscribe<{ syncRunProgress: (typeof seen)[number] }>(
        { query: `subscription($id: ID!) { syncRunProgress(runId: $id) { status phase counts { seen created } } }`, variables: { id: commitCsvImport.id } },
        { next: (m) => (m.errors ? reject(new Error(JSON.stringify(m.errors))) : seen.push(m.data!.syncRunProgress)), error: reject, complete: resolve },
      ),
    );
    await ws.dispose();
    expect(seen.at(-1)).toEqual({ status: 'SUCCEEDED', phase: 'DONE', counts: { seen: 20_000, created: 20_000 } });
    expect(seen.some((e) => e.status === 'RUNNING')).toBe(true);
    expect(await sql(`SELECT count(*)::int AS n FROM person WHERE list_id = ? AND source = 'csv'`, [listId])).toEqual([{ n: 20_000 }]);
    // The other file could not start then, and can now.
    expect(await commitAndWait(owner, other)).toMatchObject({ status: 'SUCCEEDED', counts: { created: 1 } });
  });

  it('refuses an oversized file as it arrives and keeps nothing', async () => {
    const small = await startServer({ ROLLCALL_CSV_MAX_MB: '1' });
    try {
      const client = await setupOwner(small);
      const listId = await createStaffList(client, 'Big');
      const big = `Employee ID,E-mail\n${'E1,a@acme.test\n'.repeat(80_000)}`;
      // Streamed without a length, so the limit is found while reading.
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < big.length; i += 65536) c.enqueue(new TextEncoder().encode(big.slice(i, i + 65536)));
          c.close();
        },
      });
      const res = await fetch(`${small.url}/api/lists/${listId}/imports`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${client.token}` }, body, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', problem: 'TOO_LARGE', message: 'The file is larger than 1 MB. Split it into smaller files, or export only the columns you need.' } });
      const declared = await upload(client, listId, big);
      expect(declared.status).toBe(413);
      expect(await small.app.orm.em.getConnection().execute(`SELECT id FROM csv_import`)).toEqual([]);
      expect(await small.app.orm.em.getConnection().execute(`SELECT import_id FROM csv_import_chunk`)).toEqual([]);
    } finally {
      await small.stop();
    }
  });
});

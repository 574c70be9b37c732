import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot } from '../support/browser.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { people } from '../support/entra.js';
import { addPeople, createList, signIn } from './helpers.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'csv');

// The import wizard and the export dialog, with awkward files from real spreadsheet programs.
describe.runIf(browserAvailable())('CSV import and export in Chromium', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let browser: Browser;
  let page: Page;
  let listId: string;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    listId = await createList(owner, 'Staff', [['email', 'Email', 'EMAIL']]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce', acceptDownloads: true });
    page.setDefaultTimeout(15_000);
    await signIn(page, server.url, 'ada@acme.test', 'correct horse battery');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const wizard = () => page.getByTestId('csv-import-wizard');
  const stepTitle = () => wizard().getByTestId('csv-step-title').innerText();
  const row = (column: string) => wizard().locator(`tr[data-column="${column}"]`);
  async function openAndUpload(file: string) {
    await page.goto(`${server.url}/lists/${listId}`);
    await page.getByTestId('import-csv').click();
    await wizard().getByTestId('csv-file').setInputFiles(path.join(FIXTURES, file));
  }

  it('imports an Excel "CSV UTF-8" file (BOM, semicolons): suggestions, new fields, check, preview, live import', async () => {
    await openAndUpload('excel-utf8-bom-semicolon.csv');
    await expect.poll(stepTitle).toBe('Map columns');
    await expect.poll(() => wizard().getByTestId('csv-file-summary').innerText()).toBe('excel-utf8-bom-semicolon.csv · 3 rows · 6 columns · UTF-8 with BOM, separated by semicolons');
    // Suggested by name: the UID field (chosen as UID) and Email; the rest is not imported yet.
    expect(await row('Employee ID').getByTestId('csv-target').inputValue()).toBe('field:employee_id');
    expect(await row('E-mail').getByTestId('csv-target').inputValue()).toBe('field:email');
    expect(await row('Employee ID').getByTestId('csv-uid').isChecked()).toBe(true);
    expect(await row('Department').getByTestId('csv-target').inputValue()).toBe('');
    expect(await row('Department').innerText()).toContain('Research; Development');
    for (const c of ['First name', 'Last name', 'Department', 'Start date']) await row(c).getByTestId('csv-target').selectOption('new');
    expect(await row('Start date').getByTestId('csv-new-type').inputValue()).toBe('DATE');
    await row('E-mail').getByLabel('Transform of E-mail').selectOption('LOWERCASE');
    await screenshot(page, 'csv-import-mapping');
    await wizard().getByTestId('csv-mapping-next').click();

    await expect.poll(stepTitle).toBe('Check');
    await expect.poll(() => wizard().getByTestId('csv-no-problems').isVisible()).toBe(true);
    expect(await wizard().getByTestId('csv-valid-rows').innerText()).toBe('3');
    await screenshot(page, 'csv-import-check');
    await wizard().getByTestId('csv-preview-next').click();

    await expect.poll(stepTitle).toBe('Preview');
    await expect.poll(() => wizard().getByTestId('preview-creates').innerText()).toMatch(/^Would be created\s*· 3/);
    expect(await wizard().getByTestId('preview-creates').innerText()).toContain('Zoë');
    await screenshot(page, 'csv-import-preview');
    await wizard().getByTestId('csv-import-submit').click();

    await expect.poll(stepTitle).toBe('Import');
    await expect.poll(() => wizard().getByTestId('run-result').getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await wizard().getByTestId('run-result').innerText()).toContain('CSV import finished');
    await screenshot(page, 'csv-import-result');
    await wizard().getByTestId('csv-done').click();
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('1–3 of 3');
    expect((await people(owner, listId)).get('E001')!.values).toEqual({ employee_id: 'E001', email: 'zoe@acme.test', first_name: 'Zoë', last_name: 'Ångström', department: 'Research; Development', start_date: '2026-09-01' });
  });

  it('reports a file with problems row by row, refuses it whole, then imports the valid rows when asked', async () => {
    await openAndUpload('problems.csv');
    await expect.poll(stepTitle).toBe('Map columns');
    // Remembered from the last import into this list.
    await expect.poll(() => row('Start date').getByTestId('csv-target').inputValue()).toBe('field:start_date');
    expect(await row('Notes').first().getByTestId('csv-target').inputValue()).toBe('');
    await wizard().getByTestId('csv-mapping-next').click();
    await expect.poll(() => wizard().getByTestId('csv-invalid-rows').innerText()).toBe('5');
    const problems = await wizard().getByTestId('csv-problems').locator('tbody tr').allInnerTexts();
    expect(problems).toHaveLength(8);
    expect(problems[2]).toBe('3\tE-mail\tError "not-an-email" is not an email address such as ada@example.org.');
    expect(await wizard().getByTestId('csv-problems-download').getAttribute('href')).toMatch(/^\/api\/imports\/[0-9a-f-]+\/problems\.csv$/);
    await screenshot(page, 'csv-import-problems');
    await wizard().getByTestId('csv-preview-next').click();
    await expect.poll(stepTitle).toBe('Preview');
    expect(await wizard().getByTestId('csv-errors-block').innerText()).toContain('5 rows have errors, so nothing will be imported unless you go back and choose to skip rows with errors.');
    await wizard().getByTestId('csv-import-submit').click();
    await expect.poll(() => wizard().getByTestId('csv-error').innerText()).toContain('The file has 6 problems in 5 rows; nothing was imported.');
    await screenshot(page, 'csv-import-refused');
    await wizard().getByRole('button', { name: 'Back' }).click();
    await wizard().getByTestId('csv-skip-invalid').check();
    await wizard().getByTestId('csv-preview-next').click();
    await expect.poll(stepTitle).toBe('Preview');
    await wizard().getByTestId('csv-import-submit').click();
    await expect.poll(() => wizard().getByTestId('run-result').getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await wizard().getByTestId('run-result').innerText()).toContain('CSV import finished with 5 errors');
    await screenshot(page, 'csv-import-skipped');
    await wizard().getByTestId('csv-done').click();
  });

  it('says plainly why a workbook or an empty file cannot be imported, and reads Excel "Unicode text" (UTF-16, tabs)', async () => {
    await openAndUpload('workbook.xlsx');
    await expect.poll(() => wizard().getByTestId('csv-error').innerText()).toContain('This file is an Excel workbook (.xlsx) or another zip file, not a CSV file.');
    await screenshot(page, 'csv-import-workbook');
    await wizard().getByTestId('csv-file').setInputFiles(path.join(FIXTURES, 'empty.csv'));
    await expect.poll(() => wizard().getByTestId('csv-error').innerText()).toContain('The file is empty.');
    await wizard().getByTestId('csv-file').setInputFiles(path.join(FIXTURES, 'excel-unicode-text.txt'));
    await expect.poll(stepTitle).toBe('Map columns');
    await expect.poll(() => wizard().getByTestId('csv-file-summary').innerText()).toBe('excel-unicode-text.txt · 3 rows · 6 columns · UTF-16 (little-endian), separated by tabs');
    await page.keyboard.press('Escape');
  });

  it('a full-roster file beyond the deactivation limit halts for review in the wizard, and Approve applies it', async () => {
    const roster = await createList(owner, 'Roster', [['email', 'Email', 'EMAIL']]);
    await addPeople(owner, roster, Array.from({ length: 10 }, (_, i) => ({ employee_id: `R${i}`, email: `r${i}@acme.test` })));
    await page.goto(`${server.url}/lists/${roster}`);
    await page.getByTestId('import-csv').click();
    await wizard().getByTestId('csv-file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(`Employee ID,Email\n${[0, 1, 2, 3, 4].map((i) => `R${i},r${i}@acme.test`).join('\n')}\n`) });
    await expect.poll(stepTitle).toBe('Map columns');
    await wizard().getByTestId('csv-mapping-next').click();
    await wizard().getByTestId('csv-full-roster').check();
    await wizard().getByTestId('csv-preview-next').click();
    await expect.poll(() => wizard().getByTestId('preview-deactivations').innerText()).toMatch(/^Would be deactivated\s*· 5/);
    await wizard().getByTestId('csv-import-submit').click();
    const review = wizard().getByTestId('halted-review');
    await review.waitFor();
    expect(await review.getByTestId('halted-title').innerText()).toBe('Import halted: 5 people would be deactivated');
    expect(await review.getByTestId('halted-reason').innerText()).toContain('5 of 10 active people (50.0%) would be deactivated, more than the limit of 20%.');
    expect(await review.getByTestId('preview-deactivations').innerText()).toContain('Not in the file');
    expect((await people(owner, roster)).get('R9')!.status).toBe('ACTIVE');
    await screenshot(page, 'csv-import-halted');
    await review.getByTestId('halted-approve').click();
    await page.getByTestId('confirm-approve').click();
    await expect.poll(() => wizard().getByTestId('run-result').getAttribute('data-status')).toBe('SUCCEEDED');
    expect([...(await people(owner, roster)).values()].filter((p) => p.status === 'INACTIVE')).toHaveLength(5);
    await screenshot(page, 'csv-import-approved');
    await wizard().getByTestId('csv-done').click();
  });

  it('exports the list with chosen columns and a BOM for Excel, formulas neutralised', async () => {
    await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { employee_id: "E900", email: "eve@acme.test", department: "=cmd|' /C calc'!A0" }) { id } }`, { l: listId });
    await page.goto(`${server.url}/lists/${listId}?q=eve`);
    await page.getByTestId('export-csv').click();
    const dialog = page.getByTestId('csv-export-dialog');
    expect(await dialog.getByTestId('export-use-search').isChecked()).toBe(true);
    await dialog.getByTestId('export-col-first_name').uncheck();
    await dialog.getByTestId('export-col-last_name').uncheck();
    await dialog.getByTestId('export-col-start_date').uncheck();
    await screenshot(page, 'csv-export-dialog');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-download').click()]);
    expect(download.suggestedFilename()).toBe('Staff.csv');
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.subarray(3).toString('utf8')).toBe(`Employee ID,Email,Department,Status\r\nE900,eve@acme.test,'=cmd|' /C calc'!A0,ACTIVE\r\n`);
  });
});

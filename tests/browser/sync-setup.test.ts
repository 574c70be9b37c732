import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { addMember, setupOwner, startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot as save } from '../support/browser.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, people, waitForRun } from '../support/entra.js';
import { signIn } from './helpers.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

/** A full-page screenshot from the top, so the sticky bar stays where it belongs. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await save(page, name);
}

// An administrator connects a list to Entra ID through the Sync tab's wizard, runs it, edits it
// and disconnects it; each step builds on the one before.
describe.runIf(browserAvailable())('Sync tab and Entra setup wizard in Chromium', () => {
  let sim: Sim;
  let server: TestServer;
  let owner: GraphQLTestClient;
  let browser: Browser;
  let page: Page;
  let listId: string;
  let teachers: string[];
  const syncTab = () => `${server.url}/lists/${listId}/sync`;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    server = await startServer({ ...sim.env });
    owner = await setupOwner(server);
    listId = await createStaffList(owner, 'Staff');
    // Teachers: 12 direct members and a nested group of 5 (17 users), amid 40 users in the tenant.
    const ids = sim.directory.seedUsers(40);
    const science = sim.directory.addGroup('Science teachers', ids.slice(12, 17));
    const group = sim.directory.addGroup('Teachers', ids.slice(0, 12), 'Everyone who teaches');
    sim.directory.addMember(group, science);
    sim.directory.addGroup('Teaching assistants', ids.slice(20, 23));
    sim.directory.addGroup('Finance', ids.slice(30, 34));
    teachers = ids.slice(0, 17);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce' });
    page.setDefaultTimeout(15_000);
    await signIn(page, server.url, 'ada@acme.test', 'correct horse battery');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.sim.stop();
  });

  it('offers the providers and points to Directory integrations while there is no connection', async () => {
    await page.goto(syncTab());
    await page.getByTestId('sync-providers').waitFor();
    await expect.poll(() => page.getByTestId('provider-entra').innerText()).toContain('No connection yet');
    expect(await page.getByTestId('provider-scim').innerText()).toContain('SCIM 2.0');
    expect(await page.getByTestId('add-connection-link').getAttribute('href')).toBe('/integrations');
    expect(await page.getByTestId('setup-entra').count()).toBe(0);
    await screenshot(page, '40-sync-no-connection');

    await createConnection(owner, sim, 'Contoso');
    await page.reload();
    await expect.poll(() => page.getByTestId('provider-entra').innerText()).toContain('1 connection');
    await page.getByTestId('setup-entra').waitFor();
    await screenshot(page, '41-sync-providers');
  });

  it('walks the wizard: connection, a searched group with its count, suggestions, a new field, the UID, a schedule', async () => {
    await page.getByTestId('setup-entra').click();
    await page.getByTestId('entra-wizard').waitFor();
    // Focus moves to the step's title; the only connection is already chosen.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('step-title');
    expect(await page.getByTestId('connection-Contoso').locator('input').isChecked()).toBe(true);
    expect(await page.getByTestId('step-mapping').isDisabled()).toBe(false);
    await screenshot(page, '42-wizard-connection');
    await page.getByTestId('wizard-next').click();

    // Scope: a group is required once chosen as the scope.
    await page.getByTestId('scope-group').click();
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('step-problem').innerText()).toBe('Choose the group whose members make up the list.');
    await page.getByTestId('group-search').fill('Teach');
    // Before the search settles every group is listed; then only those with a word starting "Teach".
    await expect.poll(() => page.getByTestId('group-results').innerText()).toMatch(/^(?![\s\S]*Finance)[\s\S]*Teaching assistants/);
    // Nested members count: 12 direct and 5 through Science teachers.
    await expect.poll(() => page.getByTestId('group-Teachers').innerText()).toContain('17 members');
    expect(await page.getByTestId('group-Teaching assistants').innerText()).toContain('3 members');
    expect(await page.getByTestId('enabled-only').isChecked()).toBe(true);
    expect(await page.getByTestId('entra-wizard').innerText()).toContain('Members of nested groups are included too.');
    await screenshot(page, '43-wizard-scope-search');
    await page.getByTestId('group-Teachers').click();
    await expect.poll(() => page.getByTestId('chosen-group').innerText()).toContain('17 members, nested groups included');
    expect(await page.getByTestId('step-problem').count()).toBe(0);
    await page.getByTestId('wizard-next').click();

    // Mapping: the catalogue by category with samples read from the group's members.
    await page.getByTestId('mapping-table').waitFor();
    for (const c of ['IDENTITY', 'CONTACT', 'ORGANIZATION', 'ACCOUNT', 'ON_PREMISES', 'CUSTOM']) await page.getByTestId(`category-${c}`).waitFor();
    await expect.poll(() => page.getByTestId('source-employeeId').innerText()).toMatch(/E1000\d\d/);
    expect(await page.getByTestId('source-department').innerText()).toMatch(/Engineering|Sales|Finance|Operations/);
    // Nothing mapped yet: the step says so and stays.
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('uid-problem').innerText()).toContain('Map at least one source field');
    // One suggestion accepted, but no UID: still refused.
    expect(await page.getByTestId('accept-mail').innerText()).toContain('Email');
    await page.getByTestId('accept-mail').click();
    expect(await page.getByTestId('target-mail').inputValue()).toBe('field:email');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('uid-problem').innerText()).toContain('Choose the UID');
    expect(await page.getByTestId('uid-choice').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('step-title').innerText()).toContain('Mapping');
    await screenshot(page, '44-wizard-mapping-no-uid');

    // The remaining suggestion by name: Employee ID, the list's UID field.
    expect(await page.getByTestId('accept-employeeId').innerText()).toContain('Employee ID');
    expect(await page.getByTestId('accept-all').innerText()).toBe('Accept 1 suggestion');
    await page.getByTestId('accept-all').click();
    expect(await page.getByTestId('target-employeeId').inputValue()).toBe('field:employee_id');
    expect(await page.getByTestId('target-mail').inputValue()).toBe('field:email');
    // Accepting the list's UID field chose the UID too.
    expect(await page.getByTestId('uid-choice').inputValue()).toBe('employeeId');
    expect(await page.getByTestId('uid-problem').count()).toBe(0);
    await page.getByTestId('transform-mail').selectOption('LOWERCASE');

    // New fields on the fly: Department, and Surname relabelled.
    await page.getByTestId('target-department').selectOption('new');
    expect(await page.getByTestId('new-label-department').inputValue()).toBe('Department');
    await page.getByTestId('target-surname').selectOption('new');
    await page.getByTestId('new-label-surname').fill('Family name');
    expect(await page.getByTestId('source-surname').innerText()).toContain('family_name');
    await page.getByTestId('target-jobTitle').selectOption('new');
    await page.getByTestId('new-label-jobTitle').fill('');
    await expect.poll(() => page.getByTestId('mapped-count').innerText()).toMatch(/^5 of \d+ source fields mapped$/);

    // Unmapped only hides what is done.
    await page.getByTestId('unmapped-only').check();
    expect(await page.getByTestId('source-employeeId').count()).toBe(0);
    expect(await page.getByTestId('source-givenName').count()).toBe(1);
    await page.getByTestId('unmapped-only').uncheck();

    // A new field needs a label.
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => page.getByTestId('source-jobTitle').innerText()).toContain('Give the new field a label.');
    await page.getByTestId('new-label-jobTitle').fill('Job title');
    await screenshot(page, '45-wizard-mapping');
    await page.getByTestId('wizard-next').click();

    // Schedule and safety limits, defaults 20% and 500.
    await expect.poll(() => page.getByTestId('step-title').innerText()).toContain('Schedule & safety');
    expect(await page.getByTestId('limit-percent').inputValue()).toBe('20');
    expect(await page.getByTestId('limit-count').inputValue()).toBe('500');
    await page.getByTestId('schedule-hours').click();
    await page.getByTestId('every-hours').fill('200');
    await page.getByTestId('wizard-save').click();
    await expect.poll(() => page.getByTestId('field-error').innerText()).toBe('Enter a whole number of hours from 2 to 168 (a week).');
    await page.getByTestId('every-hours').fill('6');
    expect(await page.getByTestId('schedule-summary').innerText()).toContain('Every 6 hours');
    await screenshot(page, '46-wizard-schedule');
    await page.getByTestId('wizard-save').click();

    // The summary, with locked fields; the header says the list is synced.
    await page.getByTestId('sync-summary').waitFor();
    expect(await page.getByTestId('summary-connection').innerText()).toContain('Contoso');
    expect(await page.getByTestId('summary-scope').innerText()).toContain('Members of Teachers');
    expect(await page.getByTestId('summary-scope').innerText()).toContain('Enabled accounts only');
    expect(await page.getByTestId('summary-schedule').innerText()).toMatch(/Every 6 hours\s+Next run/);
    expect(await page.getByTestId('summary-limits').innerText()).toContain('20% or 500 people');
    expect(await page.getByTestId('summary-last-run').innerText()).toContain('Not run yet');
    const uidRow = page.getByTestId('summary-mapping-employee_id');
    expect(await uidRow.innerText()).toMatch(/employeeId[\s\S]*Employee ID[\s\S]*UID/);
    expect(await uidRow.getByTestId('lock-marker').count()).toBe(1);
    expect(await page.getByTestId('summary-mapping-email').innerText()).toContain('lowercase');
    for (const key of ['department', 'family_name', 'job_title']) expect(await page.getByTestId(`summary-mapping-${key}`).getByTestId('lock-marker').count()).toBe(1);
    expect(await page.getByTestId('summary-mappings').locator('tbody tr').count()).toBe(5);
    await expect.poll(() => page.getByTestId('list-title').locator('..').innerText()).toContain('synced from Microsoft Entra ID');
    await page.getByTestId('sync-runs').waitFor({ state: 'attached' });
    await screenshot(page, '47-sync-summary');
  });

  it('a run started through GraphQL fills the People tab with the group, its synced columns locked', async () => {
    const { syncNow } = await owner.ok<{ syncNow: { id: string } }>(`mutation($l: ID!) { syncNow(listId: $l) { id } }`, { l: listId });
    const run = await waitForRun(owner, syncNow.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.counts.created).toBe(17);

    await page.getByTestId('tab-people').click();
    await expect.poll(() => page.getByTestId('people-count').innerText()).toBe('17 people');
    const first = sim.directory.user(teachers[0]!)!;
    const row = page.getByTestId(`person-row-${String(first.employeeId)}`);
    await expect.poll(() => row.innerText()).toContain(String(first.mail).toLowerCase());
    expect(await row.innerText()).toContain(String(first.surname));
    // Synced columns carry the lock; the local-only Badge note does not.
    for (const key of ['employee_id', 'email', 'department', 'family_name']) expect(await page.getByTestId(`sort-${key}`).getByTestId('lock-marker').count()).toBe(1);
    expect(await page.getByTestId('sort-badge_note').getByTestId('lock-marker').count()).toBe(0);
    await screenshot(page, '48-people-synced');

    await page.getByTestId('tab-sync').click();
    await expect.poll(() => page.getByTestId('summary-last-run').innerText()).toMatch(/Succeeded[\s\S]*17 added/);
  });

  it('Edit reopens the wizard prefilled and saves changes', async () => {
    await page.getByTestId('edit-sync').click();
    await page.getByTestId('entra-wizard').waitFor();
    expect(await page.getByTestId('entra-wizard').innerText()).toContain('Edit Microsoft Entra ID sync');
    expect(await page.getByTestId('connection-Contoso').locator('input').isChecked()).toBe(true);
    // Every step is reachable from the stepper, by keyboard too.
    await page.getByTestId('step-connection').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('chosen-group').innerText()).toContain('Teachers');
    expect(await page.getByTestId('scope-group').locator('input').isChecked()).toBe(true);
    await page.getByTestId('step-mapping').click();
    await page.getByTestId('mapping-table').waitFor();
    expect(await page.getByTestId('uid-choice').inputValue()).toBe('employeeId');
    expect(await page.getByTestId('target-department').inputValue()).toBe('field:department');
    expect(await page.getByTestId('target-surname').inputValue()).toBe('field:family_name');
    expect(await page.getByTestId('transform-mail').inputValue()).toBe('LOWERCASE');
    expect(await page.getByTestId('target-givenName').inputValue()).toBe('');
    await screenshot(page, '49-wizard-edit-mapping');
    await page.getByTestId('step-schedule').click();
    expect(await page.getByTestId('every-hours').inputValue()).toBe('6');
    await page.getByTestId('limit-percent').fill('10');
    await page.getByTestId('wizard-save').click();
    await expect.poll(() => page.getByTestId('summary-limits').innerText()).toContain('10% or 500 people');
    expect(await page.getByTestId('summary-mappings').locator('tbody tr').count()).toBe(5);

    // The server's refusal comes back to the step it concerns: a new, empty field cannot be the UID of 17 people.
    await page.getByTestId('edit-sync').click();
    await page.getByTestId('step-mapping').click();
    await page.getByTestId('target-givenName').selectOption('new');
    await page.getByTestId('uid-choice').selectOption('givenName');
    await expect.poll(() => page.getByTestId('entra-wizard').innerText()).toContain('The list\'s UID becomes this field instead of “Employee ID”.');
    await page.getByTestId('step-schedule').click();
    await page.getByTestId('wizard-save').click();
    await expect.poll(() => page.getByTestId('wizard-error').innerText()).toContain('before making it the UID');
    expect(await page.getByTestId('step-title').innerText()).toContain('Mapping');
    await screenshot(page, '49b-wizard-server-error');
    await page.getByTestId('wizard-cancel').click();
    await page.getByTestId('sync-summary').waitFor();
    expect(await page.getByTestId('summary-mapping-employee_id').innerText()).toContain('UID');

    // Import all maps every source field with values onto a field of its own; Cancel discards it.
    await page.getByTestId('edit-sync').click();
    await page.getByTestId('step-mapping').click();
    await page.getByTestId('mapping-table').waitFor();
    await page.getByTestId('import-all').click();
    expect(await page.getByTestId('target-givenName').inputValue()).toBe('new');
    expect(await page.getByTestId('new-label-givenName').inputValue()).toBe('First name');
    expect(await page.getByTestId('target-city').inputValue()).toBe('new');
    expect(await page.getByTestId('target-employeeId').inputValue()).toBe('field:employee_id');
    expect(await page.getByTestId('target-faxNumber').inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('mapped-count').innerText()).not.toMatch(/^5 of/);
    await page.getByTestId('wizard-cancel').click();
    await page.getByTestId('sync-summary').waitFor();
    expect(await page.getByTestId('summary-mappings').locator('tbody tr').count()).toBe(5);
  });

  it('Disconnect explains itself, keeps every person and unlocks the fields', async () => {
    await page.getByTestId('disconnect-sync').click();
    const dialog = page.getByTestId('disconnect-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('Every person is kept');
    expect(await dialog.innerText()).toContain('The 5 synced fields unlock');
    await screenshot(page, '50-disconnect-confirm');
    await page.getByTestId('confirm-disconnect').click();
    await page.getByTestId('sync-providers').waitFor();
    await expect.poll(() => page.getByTestId('list-title').locator('..').innerText()).toContain('managed by hand');

    await page.getByTestId('tab-people').click();
    await expect.poll(() => page.getByTestId('people-count').innerText()).toBe('17 people');
    await page.getByTestId('sort-email').waitFor();
    expect(await page.getByTestId('people-table').getByTestId('lock-marker').count()).toBe(0);
    await page.getByTestId('tab-schema').click();
    await page.getByTestId('field-row-department').waitFor();
    expect(await page.getByTestId('schema-table').getByTestId('lock-marker').count()).toBe(0);
    expect((await people(owner, listId)).size).toBe(17);
    await screenshot(page, '51-after-disconnect');
  });

  it('shows a viewer the sync read-only', async () => {
    await configure(owner, {
      listId,
      connectionId: (await owner.ok<{ entraConnections: Array<{ id: string }> }>(`{ entraConnections { id } }`)).entraConnections[0]!.id,
      mappings: [{ sourceAttribute: 'employeeId', fieldKey: 'employee_id' }, { sourceAttribute: 'mail', fieldKey: 'email' }],
      intervalMinutes: null,
    });
    await addMember(server, owner, { email: 'vic@acme.test', role: 'VIEWER', password: 'viewer password 1' });
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce' });
    const viewer = await context.newPage();
    try {
      await signIn(viewer, server.url, 'vic@acme.test', 'viewer password 1');
      await viewer.goto(syncTab());
      await viewer.getByTestId('sync-summary').waitFor();
      expect(await viewer.getByTestId('summary-scope').innerText()).toContain('All users of the tenant');
      expect(await viewer.getByTestId('summary-schedule').innerText()).toContain('Manual only');
      expect(await viewer.getByTestId('edit-sync').count()).toBe(0);
      expect(await viewer.getByTestId('disconnect-sync').count()).toBe(0);
      await screenshot(viewer, '52-sync-viewer');
    } finally {
      await context.close();
    }
  });
});

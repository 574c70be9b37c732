import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot } from '../support/browser.js';

// One administrator's first session, in order: each step builds on the one before.
describe.runIf(browserAvailable())('admin SPA in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('first run shows the one-time setup page and signs the owner in', async () => {
    await page.goto(server.url);
    await page.waitForURL('**/setup');
    await page.getByLabel('Organisation name').fill('Northside High School');
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill('ada@northside.test');
    await page.getByLabel('Password').fill('short');
    await page.getByTestId('setup-submit').click();
    await page.getByText('Passwords must be at least 10 characters long.').waitFor();
    await screenshot(page, '01-setup-error');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByTestId('setup-submit').click();
    await page.waitForURL('**/lists');
    await page.getByText('No master lists yet').waitFor();
    await expect.poll(() => page.getByTestId('org-name').innerText()).toBe('Northside High School');
    await screenshot(page, '02-lists-empty');
  });

  it('signs out and back in', async () => {
    await page.getByTestId('sign-out').click();
    await page.waitForURL('**/sign-in');
    await page.getByLabel('Email').fill('ada@northside.test');
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('sign-in-error').innerText()).toBe('The email or password is not right.');
    await screenshot(page, '03-sign-in-error');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL('**/lists');
  });

  it('creates a list and a field', async () => {
    await page.getByTestId('new-list').click();
    await page.getByLabel('Name', { exact: true }).fill('Staff');
    await page.getByLabel('Description').fill('Teaching and support staff');
    await screenshot(page, '04-create-list');
    await page.getByTestId('create-list-submit').click();
    await expect.poll(() => page.getByTestId('list-title').innerText()).toContain('Staff');
    await page.getByRole('link', { name: 'Schema' }).click();
    await page.getByLabel('Label', { exact: true }).fill('Email');
    await page.getByLabel('Type').selectOption('EMAIL');
    await page.getByTestId('add-field-submit').click();
    await page.getByTestId('field-row-email').waitFor();
    await page.getByLabel('Label', { exact: true }).fill('Department');
    await page.getByTestId('add-field-submit').click();
    await page.getByTestId('field-row-department').waitFor();
    await screenshot(page, '05-schema');
  });

  it('adds a person, with validation that names the field', async () => {
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByText('No people yet').waitFor();
    await page.getByTestId('add-person').click();
    await page.locator('#f-employee_id').fill('E100');
    await page.locator('#f-email').fill('not-an-email');
    await page.locator('#f-department').fill('Science');
    await page.getByTestId('create-person-submit').click();
    await page.getByText('"Email" (email) must be an email address').waitFor();
    await screenshot(page, '06-person-validation');
    await page.locator('#f-email').fill('grace@northside.test');
    await page.getByTestId('create-person-submit').click();
    await page.getByTestId('person-row-E100').waitFor();
    await expect.poll(() => page.getByTestId('people-count').innerText()).toBe('1 person');
    await screenshot(page, '07-people');
  });

  it('deactivates a person and finds them with the inactive filter', async () => {
    await page.getByTestId('person-row-E100').click();
    await page.getByTestId('person-drawer').waitFor();
    await page.getByTestId('deactivate-person').click();
    await expect.poll(() => page.getByTestId('person-status').innerText()).toBe('Inactive');
    await expect.poll(() => page.getByTestId('person-history').innerText()).toContain('deactivated');
    await screenshot(page, '08-person-drawer');
    await page.keyboard.press('Escape');
    await page.getByText('No people yet').waitFor();
    await page.getByTestId('status-filter').selectOption('INACTIVE');
    await page.getByTestId('person-row-E100').waitFor();
    await page.getByTestId('status-filter').selectOption('ALL');
    await expect.poll(() => page.getByTestId('people-count').innerText()).toBe('1 person');
  });

  it('marks a directory-owned field as locked and refuses an edit to it', async () => {
    // A directory sync owning "email" (the providers arrive in a later issue): the mapping row
    // and the list's provider, as the sync configuration will write them.
    const conn = server.app.orm.em.getConnection();
    await conn.execute(`UPDATE master_list SET sync_provider = 'entra'`);
    await conn.execute(
      `INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute)
       SELECT gen_random_uuid(), organization_id, list_id, id, 'entra', 'mail' FROM list_field WHERE key = 'email'`,
    );
    await page.reload();
    await page.getByTestId('person-row-E100').click();
    await expect.poll(() => page.getByTestId('lock-marker').count()).toBe(1);
    await page.getByTestId('edit-person').click();
    await page.locator('#f-email').fill('changed@northside.test');
    await page.getByTestId('save-person').click();
    await expect.poll(() => page.getByTestId('person-error').first().innerText()).toContain('"email" is managed by the Microsoft Entra ID sync of this list');
    await screenshot(page, '09-locked-field-refused');
    // A local-only field stays editable.
    await page.locator('#f-email').fill('grace@northside.test');
    await page.locator('#f-department').fill('Mathematics');
    await page.getByTestId('save-person').click();
    await expect.poll(() => page.getByTestId('person-drawer').innerText()).toContain('Mathematics');
    await page.keyboard.press('Escape');
  });

  it('creates an API token shown once, and lists members', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByTestId('new-token').click();
    await page.getByLabel('What is it for?').fill('Payroll export');
    await page.getByTestId('create-token-submit').click();
    const token = await page.getByTestId('new-token-value').textContent();
    expect(token).toMatch(/^rcp_/);
    await screenshot(page, '10-token-once');
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByTestId('tokens-table').innerText()).toContain('Payroll export');
    expect(await page.getByTestId('tokens-table').innerText()).not.toContain(token!);
    await screenshot(page, '11-tokens');
    await page.getByRole('link', { name: 'Members' }).click();
    await expect.poll(() => page.getByTestId('members-table').innerText()).toContain('ada@northside.test');
    await screenshot(page, '12-members');
    await page.getByRole('link', { name: 'Master lists' }).click();
    await expect.poll(() => page.getByTestId('list-card-Staff').innerText()).toContain('Synced');
    await screenshot(page, '13-lists');
  });
});

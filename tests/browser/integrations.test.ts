import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { addMember, setupOwner, startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot } from '../support/browser.js';
import { configure, createStaffList } from '../support/entra.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { signIn } from './helpers.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

// An administrator sets up Entra ID connections on the Directory integrations page against the
// Graph simulator, in order: each step builds on the one before.
describe.runIf(browserAvailable())('Directory integrations page in Chromium', () => {
  let sim: Sim;
  let server: TestServer;
  let owner: GraphQLTestClient;
  let browser: Browser;
  let page: Page;

  const card = (name: string): Locator => page.getByTestId(`connection-${name}`);
  const dialog = (): Locator => page.getByTestId('connection-dialog');

  /** Fills the add dialog (already open) with the simulator's credentials, overridden by `input`. */
  async function fillConnection(input: Partial<{ name: string; tenantId: string; clientId: string; clientSecret: string }>) {
    const v = { ...sim.connectionInput, ...input };
    await dialog().getByLabel('Connection name').fill(v.name);
    await dialog().getByLabel('Directory (tenant) ID').fill(v.tenantId);
    await dialog().getByLabel('Application (client) ID').fill(v.clientId);
    await dialog().getByLabel('Client secret value').fill(v.clientSecret);
  }

  beforeAll(async () => {
    sim = await startGraphSimulator();
    sim.directory.seedUsers(3);
    sim.directory.addGroup('Teachers');
    sim.directory.addGroup('Support staff');
    server = await startServer({ ...sim.env });
    owner = await setupOwner(server);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
    page.setDefaultTimeout(10_000);
    await signIn(page, server.url, 'ada@acme.test', 'correct horse battery');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.sim.stop();
  });

  it('explains what a connection is and which permissions the app needs when there is none', async () => {
    await page.getByRole('link', { name: 'Directory integrations' }).click();
    await page.waitForURL('**/integrations');
    const empty = page.getByTestId('empty-state');
    await empty.getByText('No directory connections yet').waitFor();
    expect(await empty.innerText()).toContain('app registration in Microsoft Entra ID');
    const guide = await page.getByTestId('setup-guide').innerText();
    for (const permission of ['User.Read.All', 'GroupMember.Read.All', 'Directory.Read.All']) expect(guide).toContain(permission);
    expect(guide).toMatch(/Directory\.Read\.All\s+Optional/);
    expect(guide).toContain('Grant admin consent');
    await screenshot(page, 'integrations-01-empty');
  });

  it('adds a connection: the server’s validation error sits under its input, then it is tested right away', async () => {
    await page.getByTestId('add-first-connection').click();
    await dialog().waitFor();
    // The dialog takes focus (its first input) and says the secret is kept encrypted.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('connection-name');
    expect(await dialog().innerText()).toContain('Encrypted at rest and never shown again');
    expect(await dialog().getByLabel('Client secret value').getAttribute('type')).toBe('password');
    expect(await dialog().getByLabel('National cloud').inputValue()).toBe('GLOBAL');

    await fillConnection({ name: 'Contoso staff', tenantId: 'not a tenant' });
    await page.getByTestId('connection-submit').click();
    const tenant = dialog().getByLabel('Directory (tenant) ID');
    await expect.poll(() => dialog().getByTestId('field-error').innerText()).toContain('The tenant ID is a GUID');
    expect(await tenant.getAttribute('aria-invalid')).toBe('true');
    // The message is tied to the tenant input, so screen readers read it with the field.
    const describedBy = await tenant.getAttribute('aria-describedby');
    expect(await dialog().locator(`[id="${describedBy}"]`).innerText()).toContain('The tenant ID is a GUID');
    await screenshot(page, 'integrations-02-add-validation');

    // Slow Graph down a little so the running test can be seen.
    sim.sim.latencyMs = 700;
    await tenant.fill(sim.connectionInput.tenantId);
    await page.getByTestId('connection-submit').click();
    await card('Contoso staff').waitFor();
    expect(await dialog().count()).toBe(0);
    await expect.poll(() => card('Contoso staff').getByTestId('connection-outcome').innerText()).toContain('Testing the connection');
    expect(await card('Contoso staff').getByTestId('test-connection').isDisabled()).toBe(true);
    await screenshot(page, 'integrations-03-testing');
    sim.sim.latencyMs = 0;

    await expect.poll(() => card('Contoso staff').getByTestId('connection-status').innerText(), { timeout: 10_000 }).toBe('Connected');
    expect(await card('Contoso staff').getByTestId('test-user-count').innerText()).toBe('3');
    expect(await card('Contoso staff').getByTestId('test-group-count').innerText()).toBe('2');
    const text = await card('Contoso staff').innerText();
    expect(text).toMatch(/3\s+users/);
    expect(text).toMatch(/2\s+groups/);
    expect(text).toContain(sim.connectionInput.tenantId);
    expect(text).toContain(sim.connectionInput.clientId);
    expect(text).toContain('Stored encrypted');
    expect(await card('Contoso staff').getByTestId('connection-lists').innerText()).toBe('Not used by any list');
    // The secret never comes back to the browser.
    expect(await page.content()).not.toContain(sim.connectionInput.clientSecret);
    await screenshot(page, 'integrations-04-connected');
  });

  it('tests on demand with a spinner, and counts what the directory holds now', async () => {
    sim.directory.seedUsers(2);
    sim.sim.latencyMs = 700;
    await card('Contoso staff').getByTestId('test-connection').click();
    await expect.poll(() => card('Contoso staff').getByTestId('test-connection').innerText()).toBe('Testing…');
    expect(await card('Contoso staff').getByTestId('connection-status').innerText()).toBe('Testing…');
    sim.sim.latencyMs = 0;
    await expect.poll(() => card('Contoso staff').getByTestId('test-user-count').innerText()).toBe('5');
    expect(await card('Contoso staff').getByTestId('test-connection').isEnabled()).toBe(true);
  });

  it('names a wrong client secret as such and leads to the input that fixes it', async () => {
    await page.getByTestId('add-connection').click();
    await fillConnection({ name: 'Wrong secret', clientSecret: 'wrong~secret~value' });
    await page.getByTestId('connection-submit').click();
    const wrong = card('Wrong secret');
    await expect.poll(() => wrong.getByTestId('connection-status').innerText(), { timeout: 10_000 }).toBe('Failing');
    expect(await wrong.getByTestId('test-problem-title').innerText()).toBe('Client secret rejected.');
    expect(await wrong.getByTestId('test-problem').innerText()).toMatch(/client secret is wrong/);
    await screenshot(page, 'integrations-05-wrong-secret');

    // "Enter a new secret" opens the edit dialog at the secret input, which keeps the stored one when left blank.
    await wrong.getByTestId('fix-connection').click();
    await dialog().waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('connection-secret');
    expect(await dialog().innerText()).toContain('Leave blank to keep the stored secret');
    expect(await dialog().getByLabel('New client secret').inputValue()).toBe('');
    await screenshot(page, 'integrations-06-fix-secret');
    // Esc closes the dialog without changes and gives focus back.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('fix-connection');
    expect(await wrong.getByTestId('connection-status').innerText()).toBe('Failing');

    // After a reload the card still names the recorded problem and still leads to the secret input.
    await page.reload();
    await wrong.waitFor();
    expect(await wrong.getByTestId('connection-status').innerText()).toBe('Failing');
    expect(await wrong.getByTestId('test-problem-title').innerText()).toBe('Client secret rejected.');
    expect(await wrong.getByTestId('test-problem').innerText()).toMatch(/client secret is wrong[\s\S]*Tested /);
    await screenshot(page, 'integrations-06b-wrong-secret-reloaded');
    await wrong.getByTestId('fix-connection').click();
    await dialog().waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('connection-secret');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
  });

  it('names a missing Graph permission', async () => {
    const limited = sim.directory.registerApp(['User.Read.All']);
    await page.getByTestId('add-connection').click();
    await fillConnection({ name: 'Users only', clientId: limited.clientId, clientSecret: limited.secret });
    await page.getByTestId('connection-submit').click();
    const usersOnly = card('Users only');
    await expect.poll(() => usersOnly.getByTestId('connection-status').innerText(), { timeout: 10_000 }).toBe('Failing');
    expect(await usersOnly.getByTestId('test-problem-title').innerText()).toBe('Permission missing.');
    const problem = await usersOnly.getByTestId('test-problem').innerText();
    expect(problem).toContain('GroupMember.Read.All');
    expect(problem).toContain('Grant admin consent');
    await screenshot(page, 'integrations-07-permission');

    // Once consent is granted, testing again succeeds.
    sim.directory.apps.get(limited.clientId)!.roles.add('GroupMember.Read.All');
    await usersOnly.getByTestId('test-connection').click();
    await expect.poll(() => usersOnly.getByTestId('connection-status').innerText(), { timeout: 10_000 }).toBe('Connected');
  });

  it('edits a connection: a new secret replaces the stored one and is tested at once; leaving it blank keeps it', async () => {
    const wrong = card('Wrong secret');
    await wrong.getByTestId('edit-connection').click();
    await dialog().waitFor();
    expect(await dialog().getByLabel('Connection name').inputValue()).toBe('Wrong secret');
    expect(await dialog().getByLabel('Directory (tenant) ID').inputValue()).toBe(sim.connectionInput.tenantId);
    await dialog().getByLabel('Connection name').fill('Contoso students');
    await dialog().getByLabel('New client secret').fill(sim.connectionInput.clientSecret);
    await page.getByTestId('connection-submit').click();
    const renamed = card('Contoso students');
    await renamed.waitFor();
    expect(await wrong.count()).toBe(0);
    await expect.poll(() => renamed.getByTestId('connection-status').innerText(), { timeout: 10_000 }).toBe('Connected');
    expect(await renamed.getByTestId('test-user-count').innerText()).toBe('5');

    // A new name and expiry date keep the secret and the last test's outcome: nothing to test again.
    await renamed.getByTestId('edit-connection').click();
    await dialog().getByLabel('Connection name').fill('Contoso pupils');
    await dialog().getByLabel('Secret expires').fill('2030-01-31');
    await screenshot(page, 'integrations-08-edit');
    await page.getByTestId('connection-submit').click();
    const pupils = card('Contoso pupils');
    await pupils.waitFor();
    expect(await pupils.getByTestId('secret-expiry').innerText()).toMatch(/Expires .*2030/);
    expect(await pupils.getByTestId('connection-status').innerText()).toBe('Connected');
    expect(await pupils.getByTestId('test-user-count').innerText()).toBe('5');
    // The server kept the outcome too: after a reload the card shows its message, counted in words.
    await page.reload();
    await pupils.waitFor();
    expect(await pupils.getByTestId('connection-status').innerText()).toBe('Connected');
    expect(await pupils.getByTestId('connection-outcome').innerText()).toMatch(/^Connected: 5 users and 2 groups are visible\. Tested /);
    // The credentials still work when tested again.
    await pupils.getByTestId('test-connection').click();
    await expect.poll(() => pupils.getByTestId('connection-status').innerText(), { timeout: 10_000 }).toBe('Connected');

    // A wrong value the server refuses stays in the dialog, under its input.
    await pupils.getByTestId('edit-connection').click();
    await dialog().getByLabel('Application (client) ID').fill('12345');
    await page.getByTestId('connection-submit').click();
    await expect.poll(() => dialog().getByTestId('field-error').innerText()).toContain('Application (client) ID, a GUID');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
  });

  it('removes a connection after a confirmation that names it; a connection a list syncs from is refused with the reason', async () => {
    const { entraConnections } = await owner.ok<{ entraConnections: Array<{ id: string; name: string }> }>(`{ entraConnections { id name } }`);
    const staff = await createStaffList(owner, 'Staff');
    await configure(owner, { listId: staff, connectionId: entraConnections.find((c) => c.name === 'Contoso staff')!.id });

    await card('Contoso staff').getByTestId('remove-connection').click();
    const confirm = page.getByTestId('remove-connection-dialog');
    await expect.poll(() => confirm.getByRole('heading').innerText()).toBe('Remove “Contoso staff”?');
    // The page was loaded before the list started syncing from it: the server's refusal says why,
    // titled as a refusal of the current state, and the page learns which lists use it.
    expect(await confirm.getByTestId('remove-connection-in-use').count()).toBe(0);
    await page.getByTestId('confirm-remove-connection').click();
    const refusal = confirm.getByTestId('remove-connection-error');
    await expect.poll(() => refusal.innerText()).toContain('This connection syncs "Staff"');
    expect(await refusal.innerText()).toContain('Not possible right now');
    await expect.poll(() => page.getByTestId('confirm-remove-connection').isDisabled()).toBe(true);
    await screenshot(page, 'integrations-09-remove-refused');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    const usedBy = card('Contoso staff').getByTestId('connection-lists');
    expect(await usedBy.innerText()).toBe('Used by: Staff');
    expect(await usedBy.getByRole('link', { name: 'Staff' }).getAttribute('href')).toBe(`/lists/${staff}/sync`);
    expect(await card('Contoso pupils').getByTestId('connection-lists').innerText()).toBe('Not used by any list');

    // Asked again, the confirmation says up front that a connection in use cannot be removed.
    await card('Contoso staff').getByTestId('remove-connection').click();
    const inUse = confirm.getByTestId('remove-connection-in-use');
    await expect.poll(() => inUse.innerText()).toContain('In use, so it cannot be removed yet.');
    expect(await inUse.innerText()).toContain('This list syncs from it: Staff.');
    expect(await page.getByTestId('confirm-remove-connection').isDisabled()).toBe(true);
    await screenshot(page, 'integrations-09b-remove-in-use');
    // Its link leads to the list's Sync tab, where it can be disconnected.
    await inUse.getByRole('link', { name: 'Staff' }).click();
    await page.waitForURL(`**/lists/${staff}/sync`);
    await page.getByTestId('disconnect-sync').waitFor();
    await page.goBack();
    await page.waitForURL('**/integrations');
    await card('Contoso staff').waitFor();

    await card('Users only').getByTestId('remove-connection').click();
    await expect.poll(() => confirm.getByRole('heading').innerText()).toBe('Remove “Users only”?');
    await screenshot(page, 'integrations-10-remove-confirm');
    await page.getByTestId('confirm-remove-connection').click();
    await expect.poll(() => card('Users only').count()).toBe(0);
    expect(await confirm.count()).toBe(0);
    await page.getByText('“Users only” removed').waitFor();
    expect(await page.getByTestId('connections').getByRole('heading', { level: 2 }).allInnerTexts()).toEqual(['Contoso pupils', 'Contoso staff']);
    await screenshot(page, 'integrations-11-list');
  });

  it('shows a viewer the connections without any way to change or test them', async () => {
    await addMember(server, owner, { email: 'vic@acme.test', role: 'VIEWER', password: 'viewer password 1' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
    const viewerPage = await context.newPage();
    try {
      await signIn(viewerPage, server.url, 'vic@acme.test', 'viewer password 1');
      await viewerPage.goto(`${server.url}/integrations`);
      const staff = viewerPage.getByTestId('connection-Contoso staff');
      await staff.waitFor();
      expect(await staff.getByTestId('connection-status').innerText()).toBe('Connected');
      expect(await staff.innerText()).toContain(sim.connectionInput.tenantId);
      expect(await viewerPage.getByTestId('read-only-note').innerText()).toContain('Owners and admins add, test, change and remove them');
      for (const action of ['add-connection', 'test-connection', 'edit-connection', 'remove-connection']) {
        expect(await viewerPage.getByTestId(action).count(), action).toBe(0);
      }
      await screenshot(viewerPage, 'integrations-12-viewer');
    } finally {
      await context.close();
    }
  });
});

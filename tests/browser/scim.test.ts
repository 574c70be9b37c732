import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot as save } from '../support/browser.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { ScimClient } from '../support/scim.js';
import { signIn } from './helpers.js';

async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await save(page, name);
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// An administrator connects a list to SCIM on the Sync tab, copies the base URL and a token,
// watches an identity provider's requests arrive in the live log, edits mappings, revokes a
// token and disconnects; each step builds on the one before.
describe.runIf(browserAvailable())('SCIM provisioning on the Sync tab in Chromium', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let browser: Browser;
  let page: Page;
  let listId: string;
  let token = '';
  let baseUrl = '';
  const syncTab = () => `${server.url}/lists/${listId}/sync`;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    listId = (await owner.ok<{ createMasterList: { id: string } }>(`mutation { createMasterList(input: { name: "Staff", uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`)).createMasterList.id;
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, server.url, 'ada@acme.test', 'correct horse battery');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('connects with the UID choice and its guidance', async () => {
    await page.goto(syncTab());
    await page.getByTestId('setup-scim').click();
    const dialog = page.getByTestId('scim-connect-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('Most stable');
    await page.getByTestId('uid-EMPLOYEE_NUMBER').click();
    await screenshot(page, 'scim-01-connect-dialog');
    await page.getByTestId('scim-connect').click();
    await page.getByTestId('scim-panel').waitFor();
    expect(await page.getByTestId('scim-base-url').innerText()).toBe(`${server.url}/scim/v2/lists/${listId}`);
    expect(await page.getByTestId('scim-uid').innerText()).toBe('Employee number');
    expect(await page.getByTestId('scim-mappings').innerText()).toContain('name.givenName');
    expect(await page.getByTestId('no-tokens').isVisible()).toBe(true);
  });

  it('generates a token shown once with the base URL and a copy button', async () => {
    await page.getByTestId('generate-token').click();
    const dialog = page.getByTestId('token-dialog');
    await dialog.waitFor();
    token = await page.getByTestId('dialog-token').innerText();
    baseUrl = await page.getByTestId('dialog-base-url').innerText();
    expect(token).toMatch(/^sct_/);
    expect(baseUrl).toBe(`${server.url}/scim/v2/lists/${listId}`);
    await dialog.getByRole('button', { name: 'Copy Bearer token' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await screenshot(page, 'scim-02-token-dialog');
    await page.getByTestId('token-done').click();
    await expect.poll(() => page.getByTestId('token-row').count()).toBe(1);
    expect(await page.getByTestId('scim-tokens').innerText()).toContain(token.slice(0, 12));
    expect(await page.getByTestId('scim-tokens').innerText()).not.toContain(token.slice(20));
  });

  it('shows the identity provider’s requests live in the provisioning log', async () => {
    expect(await page.getByTestId('log-empty').isVisible()).toBe(true);
    const scim = new ScimClient(baseUrl, token, { 'user-agent': 'Okta SCIM Client 1.0.0' });
    await scim.get(`/Users?filter=${encodeURIComponent('userName eq "grace@acme.test"')}`);
    const created = await scim.post('/Users', { schemas: [USER, ENTERPRISE], userName: 'grace@acme.test', name: { givenName: 'Grace', familyName: 'Hopper' }, emails: [{ value: 'grace@acme.test', primary: true }], active: true, [ENTERPRISE]: { employeeNumber: 'E1' } });
    expect(created.status).toBe(201);
    await new ScimClient(baseUrl, token, { 'user-agent': 'Okta SCIM Client 1.0.0' }).post('/Users', { schemas: [USER], userName: 'nobody' });
    await expect.poll(() => page.getByTestId('log-row').count(), { timeout: 10_000 }).toBe(3);
    const log = await page.getByTestId('provisioning-log').innerText();
    expect(log).toContain('Create');
    expect(log).toContain('POST /Users');
    expect(log).toContain('Okta');
    await page.getByTestId('guide-okta').locator('summary').click();
    await screenshot(page, 'scim-03-panel-with-log');
    await page.getByTestId('errors-only').check();
    await expect.poll(() => page.getByTestId('log-row').count()).toBe(1);
  });

  it('the header’s counts follow SCIM writes while the Sync tab is open', async () => {
    const counts = () => page.getByTestId('list-counts').innerText();
    // The previous test's SCIM create reaches the header within the page's one-second refetch.
    await expect.poll(counts, { timeout: 10_000 }).toMatch(/^1 active · 0 inactive$/);
    const scim = new ScimClient(baseUrl, token, { 'user-agent': 'Okta SCIM Client 1.0.0' });
    const alan = await scim.post('/Users', { schemas: [USER, ENTERPRISE], userName: 'alan@acme.test', name: { givenName: 'Alan', familyName: 'Turing' }, active: true, [ENTERPRISE]: { employeeNumber: 'E2' } });
    expect(alan.status).toBe(201);
    await expect.poll(counts, { timeout: 10_000 }).toMatch(/^2 active · 0 inactive$/);
    expect((await scim.delete(`/Users/${alan.body.id}`)).status).toBe(204);
    await expect.poll(counts, { timeout: 10_000 }).toMatch(/^1 active · 1 inactive$/);
    expect(page.url()).toBe(syncTab());
    await screenshot(page, 'scim-03b-counts-after-scim-writes');
  });

  it('edits mappings in the full-screen editor, by category with toggles', async () => {
    await page.getByTestId('configure-mappings').click();
    const editor = page.getByTestId('scim-mapping-editor');
    await editor.waitFor();
    for (const c of ['NAME', 'CONTACT', 'ORGANISATION', 'ACCOUNT']) expect(await page.getByTestId(`category-${c}`).isVisible()).toBe(true);
    expect(await page.getByTestId('toggle-title').isChecked()).toBe(true);
    await page.getByTestId('toggle-title').uncheck({ force: true });
    await screenshot(page, 'scim-04-mapping-editor');
    await page.getByTestId('save-mappings').click();
    await editor.waitFor({ state: 'detached' });
    expect(await page.getByTestId('scim-mappings').innerText()).not.toContain('title');
    const { masterList } = await owner.ok<{ masterList: { fields: Array<{ key: string; locked: boolean }> } }>(`query($l: ID!) { masterList(id: $l) { fields { key locked } } }`, { l: listId });
    expect(masterList.fields.find((f) => f.key === 'job_title')!.locked).toBe(false);
    expect(masterList.fields.find((f) => f.key === 'first_name')!.locked).toBe(true);
  });

  it('revokes a token and disconnects, keeping people', async () => {
    await page.getByTestId(`revoke-${token.slice(0, 12)}`).click();
    await page.getByTestId('confirm-revoke').click();
    await page.getByTestId('no-tokens').waitFor();
    expect((await new ScimClient(baseUrl, token).get('/Users')).status).toBe(401);
    await page.getByTestId('disconnect-scim').click();
    await page.getByTestId('confirm-disconnect').click();
    await page.getByTestId('sync-providers').waitFor();
    await screenshot(page, 'scim-05-disconnected');
    const { people } = await owner.ok<{ people: { totalCount: number } }>(`query($l: ID!) { people(listId: $l, status: ALL) { totalCount } }`, { l: listId });
    expect(people.totalCount).toBe(2);
  });
});

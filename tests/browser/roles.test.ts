import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot } from '../support/browser.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { addPeople, createList, signIn } from './helpers.js';

// What a viewer may see and do, and what happens when a session ends under someone's feet.
describe.runIf(browserAvailable())('roles and sessions in Chromium', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let listId: string;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    listId = await createList(owner, 'Contractors', [['company', 'Company', 'TEXT']]);
    await addPeople(owner, listId, [{ employee_id: 'C1', company: 'Acme Ltd' }]);
    await owner.ok(`mutation { addMember(input: { name: "Vera Viewer", email: "vera@acme.test", role: VIEWER, password: "viewer password 1" }) { id } }`);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1360, height: 860 }, reducedMotion: 'reduce' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a viewer reads lists and people but is offered no changes', async () => {
    await signIn(page, server.url, 'vera@acme.test', 'viewer password 1');
    await page.getByTestId('list-card-Contractors').waitFor();
    expect(await page.getByTestId('read-only').isVisible()).toBe(true);
    expect(await page.getByTestId('viewer-role').innerText()).toBe('Viewer');
    expect(await page.getByTestId('new-list').count()).toBe(0);
    await page.getByTestId('list-card-Contractors').click();
    await page.getByTestId('person-row-C1').waitFor();
    expect(await page.getByTestId('add-person').count()).toBe(0);
    expect(await page.getByTestId('rename-list').count()).toBe(0);
    await page.getByTestId('person-row-C1').click();
    await page.getByTestId('person-drawer').waitFor();
    await expect.poll(() => page.getByTestId('person-drawer').innerText()).toContain('Acme Ltd');
    expect(await page.getByTestId('edit-person').count()).toBe(0);
    expect(await page.getByTestId('deactivate-person').count()).toBe(0);
    expect(await page.getByTestId('erase-person').count()).toBe(0);
    await screenshot(page, '30-viewer-drawer');
    await page.keyboard.press('Escape');
    await page.getByTestId('tab-schema').click();
    await page.getByTestId('field-row-company').waitFor();
    expect(await page.getByTestId('add-field').count()).toBe(0);
    expect(await page.getByTestId('edit-field-company').count()).toBe(0);
    await page.getByTestId('tab-sync').click();
    await expect.poll(() => page.getByTestId('sync-providers').innerText()).toContain('An administrator can connect this list.');
    await page.getByTestId('tab-audit').click();
    await expect.poll(() => page.getByTestId('audit-table').innerText()).toContain('Person added');
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByTestId('members-table').waitFor();
    expect(await page.getByTestId('add-member').count()).toBe(0);
    expect(await page.locator('[data-testid^="remove-member-"]').count()).toBe(0);
  });

  it('a viewer still manages their own API tokens', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByTestId('new-token').click();
    await page.getByLabel('What is it for?').fill('Read-only report');
    await page.getByTestId('create-token-submit').click();
    await page.getByTestId('new-token-value').waitFor();
    await page.getByTestId('token-done').click();
    await page.getByTestId('revoke-token-Read-only report').waitFor();
  });

  it('an ended session leads to sign-in, and back to the same page after', async () => {
    await page.goto(`${server.url}/lists/${listId}/audit`);
    await page.getByTestId('audit-table').waitFor();
    await context.clearCookies();
    await page.getByTestId('tab-people').click();
    await page.waitForURL('**/sign-in?**');
    const url = new URL(page.url());
    expect(url.searchParams.get('next')).toBe(`/lists/${listId}`);
    await page.getByText('Your session has ended').waitFor();
    await screenshot(page, '31-session-ended');
    await page.getByLabel('Email').fill('ada@acme.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL(`**/lists/${listId}`);
    await page.getByTestId('person-row-C1').waitFor();
    // Signed in as someone else now: the layout shows who, and the owner may change things.
    expect(await page.getByTestId('viewer-name').innerText()).toBe('Ada Owner');
    await page.getByTestId('add-person').waitFor();
  });

  it('says when the server cannot be reached, and recovers', async () => {
    await context.route('**/graphql', (r) => r.abort('connectionrefused'));
    await page.goto(`${server.url}/members`);
    await page.waitForURL('**/unavailable?**');
    await page.getByText('Cannot reach Rollcall').waitFor();
    await context.unroute('**/graphql');
    await page.getByTestId('retry').click();
    await page.waitForURL('**/members');
    await page.getByTestId('members-table').waitFor();
  });

  it('unknown addresses and lists say so', async () => {
    await page.goto(`${server.url}/lists/00000000-0000-0000-0000-000000000000`);
    await expect.poll(() => page.getByTestId('query-error').innerText()).toContain('Not found');
    await page.getByRole('link', { name: 'Back to master lists' }).click();
    await page.waitForURL('**/lists');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { addMember, setupOwner, startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot } from '../support/browser.js';
import { configure, createConnection, createStaffList, syncAndWait } from '../support/entra.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { signIn } from './helpers.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

// An administrator sees what needs attention from any page: a bell with a count and, for errors,
// a banner; the alerts page explains each one and links to the run or connection.
describe.runIf(browserAvailable())('Alerts in Chromium', () => {
  let sim: Sim;
  let server: TestServer;
  let owner: GraphQLTestClient;
  let browser: Browser;
  let page: Page;
  let listId: string;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    sim.directory.seedUsers(4);
    server = await startServer({ ...sim.env, ROLLCALL_SYNC_RETRY_SECONDS: 'none' });
    owner = await setupOwner(server);
    const connectionId = await createConnection(owner, sim);
    await owner.ok(`mutation($id: ID!, $d: String) { updateEntraConnection(id: $id, input: { secretExpiresAt: $d }) { id } }`, { id: connectionId, d: inDays(90) });
    listId = await createStaffList(owner);
    await configure(owner, { listId, connectionId });
    expect((await syncAndWait(owner, listId, 'FULL')).status).toBe('SUCCEEDED');
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

  it('shows a quiet bell and an empty alerts page while everything works', async () => {
    const bell = page.getByTestId('alerts-bell');
    await bell.waitFor();
    expect(await bell.getAttribute('aria-label')).toBe('Alerts: none');
    expect(await page.getByTestId('alerts-count').count()).toBe(0);
    expect(await page.getByTestId('alerts-banner').count()).toBe(0);
    await bell.click();
    await page.waitForURL('**/alerts');
    await page.getByText('Nothing needs attention').waitFor();
  });

  it('counts a failed sync, failing credentials and an expiring secret, with a banner for the errors', async () => {
    const { entraConnections } = await owner.ok<{ entraConnections: Array<{ id: string }> }>(`{ entraConnections { id } }`);
    await owner.ok(`mutation($id: ID!, $d: String) { updateEntraConnection(id: $id, input: { secretExpiresAt: $d }) { id } }`, { id: entraConnections[0]!.id, d: inDays(9) });
    sim.directory.apps.get(sim.app.clientId)!.secret = 'sim~rotated-in-entra';
    sim.sim.revokeTokens();
    expect((await syncAndWait(owner, listId, 'DELTA')).status).toBe('FAILED');

    // Pushed over the subscription: the page from the last test, never reloaded, counts them
    // (the fallback poll is a minute, longer than this wait).
    await page.getByTestId('alerts-count').getByText('3').waitFor();
    expect(page.url()).toMatch(/\/alerts$/);
    await page.getByRole('link', { name: 'Master lists' }).click();
    expect(await page.getByTestId('alerts-bell').getAttribute('aria-label')).toBe('Alerts: 3 need attention');
    const banner = page.getByTestId('alerts-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/2 problems need attention/);
    await screenshot(page, 'alerts-banner-and-bell');

    await banner.getByRole('link', { name: 'View alerts' }).click();
    await page.waitForURL('**/alerts');
    await page.getByTestId('alerts-list').waitFor();
    expect(await page.getByTestId('alerts-banner').count()).toBe(0);
    const failed = page.getByTestId('alert-SYNC_RUN_FAILED');
    expect(await failed.innerText()).toContain('The last sync of "Staff" failed');
    const credentials = page.getByTestId('alert-CREDENTIALS_FAILED');
    expect(await credentials.innerText()).toMatch(/cannot sign in[\s\S]*client secret is wrong/);
    const soon = page.getByTestId('alert-SECRET_EXPIRES_SOON');
    expect(await soon.innerText()).toContain(`expires on ${inDays(9)}`);
    expect(await soon.innerText()).toContain('That is in 9 days.');
    // Errors first.
    const kinds = await page.locator('[data-testid^="alert-"][class*="item"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(kinds.at(-1)).toBe('alert-SECRET_EXPIRES_SOON');
    await screenshot(page, 'alerts-page');

    await failed.getByTestId('alert-open-run').click();
    await page.waitForURL(`**/lists/${listId}/sync`);
    await page.goBack();
    await page.waitForURL('**/alerts');
    await page.getByTestId('alert-CREDENTIALS_FAILED').getByTestId('alert-open-connection').click();
    await page.waitForURL('**/integrations');
  });

  it('dismisses an alert for everyone, and a viewer sees alerts without a dismiss button', async () => {
    await page.goto(`${server.url}/alerts`);
    const soon = page.getByTestId('alert-SECRET_EXPIRES_SOON');
    await soon.getByTestId('alert-dismiss').click();
    await soon.waitFor({ state: 'detached' });
    await page.getByTestId('alerts-count').getByText('2').waitFor();
    await page.getByTestId('show-dismissed').check();
    const dismissed = page.getByTestId('alert-SECRET_EXPIRES_SOON');
    await dismissed.waitFor();
    expect(await dismissed.innerText()).toContain('Dismissed by ada@acme.test');

    await addMember(server, owner, { email: 'vera@acme.test', role: 'VIEWER', password: 'viewer password 1' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const viewerPage = await context.newPage();
    await signIn(viewerPage, server.url, 'vera@acme.test', 'viewer password 1');
    await viewerPage.goto(`${server.url}/alerts`);
    await viewerPage.getByTestId('alerts-list').waitFor();
    expect(await viewerPage.getByTestId('alerts-count').innerText()).toBe('2');
    expect(await viewerPage.getByTestId('alert-dismiss').count()).toBe(0);
    await context.close();
  });
});

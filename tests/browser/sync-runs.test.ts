import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot } from '../support/browser.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, people, waitForRun, type RunResult } from '../support/entra.js';
import { signIn } from './helpers.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

// An administrator runs an Entra-synced list from its Sync tab: Sync now with live progress, a
// refused second run, a dry run's preview, a halted run cancelled then approved, and the history.
// Each step builds on the one before.
describe.runIf(browserAvailable())('sync runs panel in Chromium', () => {
  const USERS = 4000;
  let sim: Sim;
  let server: TestServer;
  let owner: GraphQLTestClient;
  let browser: Browser;
  let page: Page;
  let listId: string;
  let ids: string[];
  const panel = () => page.getByTestId('sync-runs');
  const runs = async () =>
    (await owner.ok<{ syncRuns: Array<RunResult> }>(`query($l: ID!) { syncRuns(listId: $l, first: 50) { id status mode trigger phase reason startedBy counts { seen created updated deactivated reactivated unchanged errors photos } errors { anchor reason } } }`, { l: listId })).syncRuns;
  const statuses = async () => [...(await people(owner, listId)).values()].reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.status]: (acc[p.status] ?? 0) + 1 }), {});
  /** Whether Sync now, Full sync and Dry run can be clicked, in that order. */
  const actionsEnabled = () => Promise.all(['sync-now', 'sync-full', 'sync-dry-run'].map((b) => page.getByTestId(b).isEnabled()));
  const count = (scope: ReturnType<Page['getByTestId']>, key: string) => scope.getByTestId(`count-${key}`).locator('dd').innerText();

  /** Reads the live progress every 150 ms until the run's outcome replaces it. */
  async function watchProgress(): Promise<Array<{ seen: number; value: number | null; detail: string }>> {
    const samples: Array<{ seen: number; value: number | null; detail: string }> = [];
    const progress = panel().getByTestId('run-progress');
    await progress.waitFor();
    for (;;) {
      const sample = await progress
        .evaluate((el) => {
          const bar = el.querySelector('[role="progressbar"]');
          return {
            seen: Number(el.querySelector('[data-testid="count-seen"] dd')!.textContent!.replace(/\D/g, '')),
            value: bar?.hasAttribute('aria-valuenow') ? Number(bar.getAttribute('aria-valuenow')) : null,
            detail: el.querySelector('[data-testid="run-progress-detail"]')!.textContent!.trim(),
          };
        }, undefined, { timeout: 500 })
        .catch(() => null);
      if (!sample) break;
      samples.push(sample);
      await page.waitForTimeout(150);
    }
    return samples;
  }

  beforeAll(async () => {
    sim = await startGraphSimulator();
    // Automatic retries a second apart, so the test can watch them.
    server = await startServer({ ...sim.env, ROLLCALL_SYNC_RETRY_SECONDS: '1,1' });
    owner = await setupOwner(server);
    ids = sim.directory.seedUsers(USERS);
    const connectionId = await createConnection(owner, sim);
    listId = await createStaffList(owner, 'Staff');
    await configure(owner, { listId, connectionId });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce' });
    page.setDefaultTimeout(20_000);
    await signIn(page, server.url, 'ada@acme.test', 'correct horse battery');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.sim.stop();
  });

  it('invites a first run while the list has none', async () => {
    await page.goto(`${server.url}/lists/${listId}/sync`);
    await panel().getByTestId('no-runs').waitFor();
    expect(await panel().innerText()).toContain('reads everyone in scope the first time');
    await page.getByTestId('run-history').getByText('No runs yet').waitFor();
    expect(await actionsEnabled()).toEqual([true, true, true]);
    await screenshot(page, '60-sync-runs-empty');
  });

  it('Sync now shows a progress bar whose counts rise while it reads, then a summary with the counts', async () => {
    // Each Graph request takes 700 ms: five pages of 999 users read over several seconds.
    sim.sim.latencyMs = 700;
    await page.getByTestId('sync-now').click();
    await panel().getByTestId('run-progress').waitFor();
    expect(await panel().getByRole('progressbar', { name: 'Sync progress' }).count()).toBe(1);
    // Every button is disabled while the run is active.
    expect(await actionsEnabled()).toEqual([false, false, false]);
    await expect.poll(() => count(panel().getByTestId('run-progress'), 'seen').then((t) => Number(t.replace(/\D/g, ''))), { timeout: 15_000 }).toBeGreaterThan(0);
    await screenshot(page, '61-sync-now-progress');
    const samples = await watchProgress();
    sim.sim.latencyMs = 0;
    // The first run has no known total: the bar is indeterminate and the counts rise.
    const seen = samples.map((s) => s.seen);
    expect(new Set(seen).size).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.some((s) => s > 0 && s < USERS)).toBe(true);
    expect(samples.some((s) => /Reading from Microsoft Entra ID: [\d,]+ records so far/.test(s.detail))).toBe(true);

    const result = panel().getByTestId('run-result');
    await expect.poll(() => result.getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await result.getByTestId('run-result-title').innerText()).toBe('Delta sync finished');
    expect(await result.getByTestId('run-result-summary').innerText()).toBe('4,000 created.');
    expect(await result.getByTestId('run-result-note').innerText()).toContain('first run of a list is a full read');
    expect(await count(result, 'seen')).toBe('4,000');
    expect(await count(result, 'created')).toBe('4,000');
    expect(await count(result, 'deactivated')).toBe('0');
    expect(await actionsEnabled()).toEqual([true, true, true]);
    await screenshot(page, '62-sync-now-done');

    const [run] = await runs();
    expect(run).toMatchObject({ status: 'SUCCEEDED', mode: 'DELTA', trigger: 'MANUAL', startedBy: 'ada@acme.test', counts: { seen: USERS, created: USERS } });
    expect(await statuses()).toEqual({ ACTIVE: USERS });
  });

  it('refuses a second run while one is in progress, says why, and follows the run in the way', async () => {
    // A script starts a full sync; the page has not heard of it yet when the administrator clicks.
    sim.sim.latencyMs = 700;
    const { syncNow } = await owner.ok<{ syncNow: { id: string } }>(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id } }`, { l: listId });
    await page.getByTestId('sync-full').click();
    const alert = page.getByTestId('sync-now-error');
    await expect.poll(() => alert.innerText()).toContain('A sync is already in progress.');
    expect(await alert.innerText()).toContain('already in progress; wait for it to finish');
    expect(await alert.innerText()).toContain('Its progress is shown below.');
    await expect.poll(() => panel().getByTestId('run-progress').getAttribute('data-run-id')).toBe(syncNow.id);
    expect(await actionsEnabled()).toEqual([false, false, false]);
    expect(await panel().getByTestId('run-progress-title').innerText()).toMatch(/Full sync (queued|in progress)/);
    await expect.poll(() => panel().getByTestId('run-progress-bar').getAttribute('aria-valuenow'), { timeout: 15_000 }).not.toBeNull();
    await screenshot(page, '63-sync-conflict');
    // A full read after a full read: the total is known, so the bar is determinate and fills up.
    const samples = await watchProgress();
    sim.sim.latencyMs = 0;
    const values = samples.map((s) => s.value).filter((v): v is number => v !== null);
    expect(values.some((v) => v > 0 && v < 90)).toBe(true);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(samples.some((s) => /of about 4,000 records/.test(s.detail))).toBe(true);
    await expect.poll(() => panel().getByTestId('run-result').getAttribute('data-run-id')).toBe(syncNow.id);
    expect(await count(panel().getByTestId('run-result'), 'unchanged')).toBe('4,000');
    // The refusal has done its job once the run in the way is over.
    expect(await alert.count()).toBe(0);
    expect((await waitForRun(owner, syncNow.id)).counts).toMatchObject({ seen: USERS, unchanged: USERS, created: 0 });
  });

  it('a dry run previews the would-be creates and updates and writes nothing', async () => {
    const newcomers = sim.directory.seedUsers(3);
    const renamed = sim.directory.user(ids[7]!)!;
    const before = String(renamed.department);
    sim.directory.updateUser(ids[7]!, { department: 'Drama' });
    await page.getByTestId('sync-dry-run').click();
    const result = panel().getByTestId('run-result');
    await expect.poll(() => result.getByTestId('run-result-title').innerText().catch(() => ''), { timeout: 30_000 }).toBe('Dry run finished: nothing was written');
    expect(await result.getByTestId('run-result-summary').innerText()).toBe('3 to be created, 1 to be updated.');
    const creates = result.getByTestId('preview-creates');
    await creates.getByTestId('preview-row').first().waitFor();
    expect(await creates.locator('h4').innerText()).toMatch(/Would be created\s*· 3/);
    const rows = await creates.getByTestId('preview-row').allInnerTexts();
    expect(rows).toHaveLength(3);
    for (const id of newcomers) {
      const u = sim.directory.user(id)!;
      expect(rows.some((r) => r.includes(String(u.employeeId)) && r.includes(String(u.givenName)) && r.includes(String(u.mail).toLowerCase()))).toBe(true);
    }
    expect(await creates.locator('th').allInnerTexts()).toEqual(expect.arrayContaining(['EMPLOYEE ID', 'EMAIL', 'FIRST NAME']));
    const update = await result.getByTestId('preview-updates').getByTestId('preview-row').innerText();
    expect(update).toContain(String(renamed.employeeId));
    // Side by side, as in the changeset review: the field, the list's value now, the incoming one.
    expect(update.split('\t').map((x) => x.trim())).toEqual([String(renamed.employeeId), 'Department', before, 'Drama']);
    await screenshot(page, '64-dry-run-preview');

    // Nothing was written.
    const all = await people(owner, listId);
    expect(all.size).toBe(USERS);
    expect(all.get(String(renamed.employeeId))!.values.department).toBe(before);
    expect((await runs())[0]).toMatchObject({ mode: 'DRY_RUN', status: 'SUCCEEDED', counts: { created: 3, updated: 1 } });
  });

  it('a run that would deactivate too many halts; the review shows who, and Cancel leaves them active', async () => {
    const removed = ids.slice(1000, 2000);
    // Their names as the list holds them (the directory forgets them once deleted).
    const names = new Map(removed.map((id) => sim.directory.user(id)!).map((u) => [String(u.employeeId), `${u.givenName} ${u.surname}`]));
    for (const id of removed) sim.directory.deleteUser(id);
    // Every GraphQL operation the page sends from here on, to show no person is fetched row by row.
    const operations: string[] = [];
    const record = (req: { url(): string; postDataJSON(): unknown }) => {
      if (!req.url().endsWith('/graphql')) return;
      const body = req.postDataJSON() as { operationName?: string; query?: string } | null;
      operations.push(`${body?.operationName ?? ''} ${body?.query ?? ''}`);
    };
    page.on('request', record);
    await page.getByTestId('sync-now').click();
    const review = panel().getByTestId('halted-review');
    await review.waitFor({ timeout: 30_000 });
    expect(await review.getByTestId('halted-title').innerText()).toBe('Sync halted: 1,000 people would be deactivated');
    await expect.poll(() => page.getByTestId('summary-last-run').innerText()).toMatch(/^Halted/);
    expect(await review.getByTestId('halted-reason').innerText()).toContain('1000 people would be deactivated, more than the limit of 500.');
    const deactivations = review.getByTestId('preview-deactivations');
    await deactivations.getByTestId('preview-row').first().waitFor();
    expect(await deactivations.locator('h4').innerText()).toMatch(/Would be deactivated\s*· 1,000/);
    expect(await deactivations.getByTestId('preview-row').count()).toBe(20);
    expect(await deactivations.innerText()).toContain('Showing the first 20 of 1,000.');
    // Each row is one of the removed people, named from the values the plan carries, with why.
    const rowTexts = await deactivations.getByTestId('preview-row').allInnerTexts();
    for (const r of rowTexts) {
      const [uid, name, why] = r.split('\t').map((x) => x.trim());
      expect(names.has(uid!)).toBe(true);
      expect(name).toBe(names.get(uid!));
      expect(why).toBe('No longer in the sync scope');
    }
    page.off('request', record);
    // The names came with the preview: no request per person.
    expect(operations.some((o) => o.startsWith('SyncRunPreview '))).toBe(true);
    expect(operations.filter((o) => /\bperson\s*\(/.test(o))).toEqual([]);
    await screenshot(page, '65-halted-review');

    await review.getByTestId('halted-cancel').click();
    const dialog = page.getByTestId('cancel-dialog');
    expect(await dialog.innerText()).toContain('nothing is written');
    await screenshot(page, '66-halted-cancel-confirm');
    await dialog.getByTestId('confirm-cancel').click();
    const result = panel().getByTestId('run-result');
    await expect.poll(() => result.getAttribute('data-status')).toBe('CANCELLED');
    expect(await result.getByTestId('run-result-summary').innerText()).toBe('Cancelled by ada@acme.test; nothing was written.');
    expect(await statuses()).toEqual({ ACTIVE: USERS });
    expect((await runs())[0]).toMatchObject({ status: 'CANCELLED', counts: { deactivated: 1000 } });
  });

  it('a new run halts again; a newer one supersedes it, and Approve (confirmed) deactivates them', async () => {
    await page.getByTestId('sync-now').click();
    const review = panel().getByTestId('halted-review');
    await review.waitFor({ timeout: 30_000 });
    const stale = await review.getAttribute('data-run-id');
    expect(stale).toBe((await runs())[0]!.id);

    // Syncing again reads the directory afresh: the held plan is out of date, so its review goes
    // away and the newer run halts with its own.
    await page.getByTestId('sync-now').click();
    await expect.poll(() => review.getAttribute('data-run-id', { timeout: 500 }).catch(() => null), { timeout: 30_000 }).not.toBe(stale);
    await expect.poll(() => review.getAttribute('data-run-id', { timeout: 500 }).catch(() => null), { timeout: 30_000 }).not.toBeNull();
    const runId = await review.getAttribute('data-run-id');
    const [latest, old] = await runs();
    expect(runId).toBe(latest!.id);
    expect(old).toMatchObject({ id: stale, status: 'CANCELLED', reason: expect.stringMatching(/^superseded: /) });
    expect(await panel().getByTestId('halted-review').count()).toBe(1);
    const staleRow = page.getByTestId('run-history').locator(`[data-run-row="${stale}"]`);
    await expect.poll(() => staleRow.getByTestId('run-status').innerText()).toBe('Superseded');
    await review.getByTestId('halted-approve').click();
    const dialog = page.getByTestId('approve-dialog');
    expect(await dialog.innerText()).toMatch(/1,000\s+deactivated/);
    expect(await dialog.innerText()).toMatch(/3\s+created/);
    await screenshot(page, '67-halted-approve-confirm');
    await dialog.getByTestId('confirm-approve').click();
    const result = panel().getByTestId('run-result');
    await expect.poll(() => result.getAttribute('data-run-id'), { timeout: 30_000 }).toBe(runId);
    await expect.poll(() => result.getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await count(result, 'deactivated')).toBe('1,000');
    expect(await count(result, 'created')).toBe('3');
    expect(await result.getByTestId('run-result-note').innerText()).toBe('approved by ada@acme.test');
    // The Sync tab's summary above shares the list's sync status and shows the same last run.
    await expect.poll(() => page.getByTestId('summary-last-run').innerText()).toMatch(/^Succeeded[\s\S]*3 added, 1 updated, 1000 deactivated/);
    await screenshot(page, '68-approved');
    expect(await statuses()).toEqual({ ACTIVE: USERS + 3 - 1000, INACTIVE: 1000 });
    expect((await runs())[0]).toMatchObject({ id: runId, status: 'SUCCEEDED', counts: { deactivated: 1000, created: 3 } });
  });

  it('the history lists every run with its status, one chart bar per run, and rows open on their details', async () => {
    const api = await runs();
    expect(api.map((r) => `${r.mode} ${r.status}`)).toEqual(['DELTA SUCCEEDED', 'DELTA CANCELLED', 'DELTA CANCELLED', 'DRY_RUN SUCCEEDED', 'FULL SUCCEEDED', 'DELTA SUCCEEDED']);
    const history = page.getByTestId('run-history');
    await expect.poll(() => history.getByTestId('run-row').count()).toBe(api.length);
    expect(await history.getByTestId('run-status').allInnerTexts()).toEqual(['Succeeded', 'Superseded', 'Cancelled', 'Succeeded', 'Succeeded', 'Succeeded']);
    // The first run was asked for as a delta and read the directory in full; the column says so.
    expect(await history.getByTestId('run-mode').allInnerTexts()).toEqual(['Delta', 'Delta', 'Delta', 'Dry run', 'Full', 'Delta, read in full']);
    const rows = await history.getByTestId('run-row').allInnerTexts();
    expect(rows[0]).toMatch(/Manual\s+Delta\s+Succeeded/);
    expect(rows[0]).toMatch(/\+3\s+created\s+~1\s+updated\s+−1,000\s+deactivated/);
    expect(rows[3]).toMatch(/Dry run/);
    expect(rows[3]).toContain('planned');
    expect(rows[1]).toContain('discarded');
    expect(rows[2]).toContain('discarded');
    expect(rows.every((r) => r.includes('ada@acme.test'))).toBe(true);
    // The chart: one bar per run, oldest first, marked with its status, described for assistive tech.
    const chart = history.getByTestId('runs-chart');
    expect(await chart.getByTestId('chart-bar').count()).toBe(api.length);
    expect(await chart.getByTestId('chart-bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-status')))).toEqual(api.map((r) => r.status).reverse());
    expect(await chart.locator('svg[role="img"]').getAttribute('aria-label')).toMatch(/Changes per sync run, 6 runs/);
    expect(await chart.locator('figcaption').innerText()).toMatch(/Created[\s\S]*Deactivated[\s\S]*Halted/);
    // The superseded run says so in plain words.
    await history.getByTestId('run-row').nth(1).getByRole('button').click();
    expect(await history.getByTestId(`run-details-${api[1]!.id}`).getByTestId('run-note').innerText()).toMatch(/^Note: Superseded by a newer run/);
    // Opening the cancelled run shows why it ended and, on request, the plan it held.
    await history.getByTestId('run-row').nth(2).getByRole('button').click();
    const details = history.getByTestId(`run-details-${api[2]!.id}`);
    expect(await details.getByTestId('run-note').innerText()).toBe('Note: Cancelled by ada@acme.test');
    expect(await details.getByTestId('count-deactivated').innerText()).toMatch(/Would be deactivated\s+1,000/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, '69-history');
    // A chart bar opens its run's row (bars run oldest first).
    await chart.getByTestId('chart-bar').nth(2).click();
    await history.getByTestId(`run-details-${api[3]!.id}`).getByTestId('show-plan').click();
    await history.getByTestId(`run-details-${api[3]!.id}`).getByTestId('preview-creates').waitFor();
  });

  it('shows per-record errors of a run when its row is opened', async () => {
    // A user without an employee ID cannot be matched to a person: a per-record error.
    const [broken] = sim.directory.seedUsers(1, (_, u) => {
      delete u.employeeId;
    });
    await page.getByTestId('sync-now').click();
    const result = panel().getByTestId('run-result');
    await expect.poll(() => result.getByTestId('run-result-title').innerText().catch(() => ''), { timeout: 30_000 }).toBe('Delta sync finished with 1 error');
    const history = page.getByTestId('run-history');
    await history.getByTestId('run-row').first().getByRole('button').click();
    const errors = history.getByTestId('run-errors');
    await errors.waitFor();
    expect(await errors.innerText()).toContain(broken!);
    expect(await errors.innerText()).toContain('no value for the UID field');
    expect(await result.getByTestId('run-result-summary').innerText()).toMatch(/^\d+ read, \d+ already up to date, 1 could not be synced\.$/);
    expect((await runs())[0]).toMatchObject({ status: 'SUCCEEDED', counts: { errors: 1 }, errors: [{ anchor: broken }] });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, '70-run-errors');
  });

  it('a run that failed for a passing reason is retried by itself, each retry numbered', async () => {
    // Graph throttles the run and its first retry until each gives up; the second retry gets through.
    sim.sim.faults.push({ status: 429, retryAfterSeconds: 0, times: 12 });
    await page.getByTestId('sync-now').click();
    const result = panel().getByTestId('run-result');
    await expect.poll(() => result.getAttribute('data-status').catch(() => null), { timeout: 30_000 }).toBe('FAILED');
    expect(await result.getByTestId('run-result-summary').innerText()).toContain('Microsoft Graph kept answering 429');
    // The page finds the retries by polling, and shows the last one's outcome.
    const history = page.getByTestId('run-history');
    await expect.poll(() => history.getByTestId('run-trigger').first().innerText(), { timeout: 45_000 }).toBe('Retry 2');
    await expect.poll(() => result.getAttribute('data-status'), { timeout: 30_000 }).toBe('SUCCEEDED');
    // Retries found by polling refresh the summary's last run too.
    await expect.poll(() => page.getByTestId('summary-last-run').innerText()).toMatch(/^Succeeded/);
    expect(await history.getByTestId('run-trigger').allInnerTexts()).toEqual(expect.arrayContaining(['Retry 2', 'Retry 1', 'Manual']));
    const rows = await history.getByTestId('run-row').allInnerTexts();
    expect(rows[0]).toMatch(/Retry 2\s+Delta\s+Succeeded[\s\S]*Automatic retry$/);
    expect(rows[1]).toMatch(/Retry 1\s+Delta\s+Failed/);
    expect(rows[2]).toMatch(/Manual\s+Delta\s+Failed/);
    expect(await result.innerText()).toContain('Retry 2 · Finished');
    const api = await runs();
    expect(api.slice(0, 3).map((r) => r.trigger)).toEqual(['RETRY', 'RETRY', 'MANUAL']);
    await history.getByTestId('run-row').first().getByRole('button').click();
    expect(await history.getByTestId(`run-details-${api[0]!.id}`).innerText()).toContain('Retry 2: an automatic retry');
    // The failed run says a retry follows (a note the server adds after the run ends, read by the polls).
    await history.getByTestId('run-row').nth(2).getByRole('button').click();
    await expect.poll(() => history.getByTestId(`run-details-${api[2]!.id}`).getByTestId('run-failure').innerText(), { timeout: 20_000 }).toContain('retries by itself in 1 s, attempt 1 of 2');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, '71-retries');
  });
});

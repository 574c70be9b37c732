import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addMember, setupOwner, startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot } from '../support/browser.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { addPeople, createList, signIn } from './helpers.js';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { configure, createConnection, createStaffList, syncAndWait } from '../support/entra.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

// Sessions and the changeset review screen, with two administrators reviewing the same changeset.
describe.runIf(browserAvailable())('sessions and changeset review in Chromium', () => {
  let sim: Awaited<ReturnType<typeof startGraphSimulator>>;
  let server: TestServer;
  let owner: GraphQLTestClient;
  let browser: Browser;
  let ada: Page;
  let rae: Page;
  let listId: string;
  let ids: string[];
  let changesetUrl = '';

  const values = async (id: string) => (await owner.ok<{ person: { values: Record<string, unknown> } }>(`query($id: ID!) { person(id: $id) { values } }`, { id })).person.values;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    server = await startServer(sim.env);
    owner = await setupOwner(server);
    await addMember(server, owner, { email: 'rae@acme.test', role: 'ADMIN', password: 'rae password here' });
    listId = await createList(owner, 'Students', [
      ['first_name', 'First name', 'TEXT'],
      ['email', 'Email', 'EMAIL'],
      ['photo', 'Photo', 'PHOTO'],
    ]);
    ids = await addPeople(owner, listId, [1, 2, 3, 4].map((i) => ({ employee_id: `S${i}`, first_name: `Name${i}`, email: `s${i}@school.test` })));
    browser = await launchBrowser();
    const contextA = await browser.newContext({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce' });
    const contextB = await browser.newContext({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce' });
    ada = await contextA.newPage();
    rae = await contextB.newPage();
    ada.setDefaultTimeout(10_000);
    rae.setDefaultTimeout(10_000);
    await signIn(ada, server.url, 'ada@acme.test', 'correct horse battery');
    await signIn(rae, server.url, 'rae@acme.test', 'rae password here');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.sim.stop();
  });

  it('creates a session, edits a person and approves an uploaded photo without touching the list', async () => {
    await ada.goto(`${server.url}/lists/${listId}/sessions`);
    await ada.getByTestId('new-session').click();
    await ada.getByTestId('session-name').fill('Photo day');
    await ada.getByTestId('session-create').click();
    await ada.waitForURL(/\/sessions\/[0-9a-f-]{36}$/);
    await expect.poll(() => ada.getByTestId('session-title').innerText()).toContain('Photo day');
    await expect.poll(() => ada.locator('[data-testid^="session-person-"]').count()).toBe(4);

    await ada.getByTestId('edit-S1').click();
    await ada.getByTestId('input-first_name').fill('Ada-Session');
    await ada.getByTestId('session-person-save').click();
    await expect.poll(() => ada.getByTestId('session-person-dialog').count()).toBe(0);
    await expect.poll(() => ada.getByTestId('edited-count').innerText()).toBe('1');

    await ada.getByTestId('edit-S2').click();
    await ada.getByTestId('photo-upload').setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => ada.getByTestId('photo-PENDING').count()).toBe(1);
    await screenshot(ada, 'session-photo-pending');
    await ada.getByTestId('approve-photo').click();
    await expect.poll(() => ada.getByTestId('photo-APPROVED').count()).toBe(1);
    await ada.getByTestId('session-person-save').click();
    await expect.poll(() => ada.getByTestId('edited-count').innerText()).toBe('2');
    await screenshot(ada, 'session-page');
    expect(await values(ids[0]!)).toMatchObject({ first_name: 'Name1' });
    expect((await values(ids[1]!)).photo).toBeUndefined();

    // A conflict: S3 edited in the session while someone changes the list.
    const { sessions } = await owner.ok<{ sessions: Array<{ id: string }> }>(`query($l: ID!) { sessions(listId: $l) { id } }`, { l: listId });
    await owner.ok(`mutation($s: ID!, $p: ID!) { updateSessionPerson(sessionId: $s, personId: $p, values: { email: "session3@school.test" }) { personId } }`, { s: sessions[0]!.id, p: ids[2] });
    await owner.ok(`mutation($id: ID!) { updatePerson(id: $id, values: { email: "office3@school.test" }) { id } }`, { id: ids[2] });

    await ada.getByTestId('save-to-list').click();
    await ada.waitForURL(/\/changesets\/[0-9a-f-]{36}$/);
    changesetUrl = ada.url();
    await expect.poll(() => ada.locator('[data-testid^="change-"]').count()).toBe(3);
  });

  it('shows the three values side by side and lets two reviewers see each other decide, by mouse and keyboard', async () => {
    await rae.goto(changesetUrl);
    await expect.poll(() => rae.locator('[data-testid^="change-"]').count()).toBe(3);
    const conflictRow = (p: Page) => p.getByTestId('change-S3-email');
    expect(await conflictRow(ada).innerText()).toMatch(/s3@school\.test[\s\S]*session3@school\.test[\s\S]*office3@school\.test[\s\S]*Conflict/);
    expect(await ada.getByTestId('apply-changeset').isDisabled()).toBe(true);
    await screenshot(ada, 'changeset-review');

    await ada.getByTestId('approve-clean').click();
    // Rae sees Ada's decisions without reloading.
    await expect.poll(() => rae.getByTestId('change-S1-first_name').getByTestId('decided-by').innerText().catch(() => '')).toBe('Approved by ada@acme.test');

    // Rae resolves the conflict from the keyboard: focus the row, m keeps the list value.
    await rae.getByTestId('filter-CONFLICT').click();
    await expect.poll(() => rae.locator('[data-testid^="change-"]').count()).toBe(1);
    await conflictRow(rae).focus();
    await rae.keyboard.press('m');
    await expect.poll(() => conflictRow(ada).getByTestId('decided-by').innerText().catch(() => '')).toBe('Keep list value by rae@acme.test');
    await screenshot(rae, 'changeset-review-second-reviewer');
    await expect.poll(() => ada.getByTestId('apply-changeset').isDisabled()).toBe(false);
  });

  it('applies with progress, then rolls back after confirmation; the history says who did what', async () => {
    await ada.getByTestId('apply-changeset').click();
    await expect.poll(() => ada.getByTestId('changeset-status').innerText()).toBe('Applied');
    await expect.poll(() => rae.getByTestId('changeset-status').innerText()).toBe('Applied');
    expect(await values(ids[0]!)).toMatchObject({ first_name: 'Ada-Session' });
    expect(String((await values(ids[1]!)).photo)).toMatch(/^\/session-photos\//);
    expect(await values(ids[2]!)).toMatchObject({ email: 'office3@school.test' });
    await screenshot(ada, 'changeset-applied');

    await ada.getByTestId('rollback-changeset').click();
    await screenshot(ada, 'changeset-rollback-confirm');
    await ada.getByTestId('rollback-confirm').click();
    await expect.poll(() => ada.getByTestId('changeset-status').innerText()).toBe('Rolled back');
    expect(await values(ids[0]!)).toMatchObject({ first_name: 'Name1' });
    expect((await values(ids[1]!)).photo).toBeUndefined();

    await ada.goto(`${server.url}/lists/${listId}/sessions`);
    const row = ada.locator('[data-testid^="changeset-row-"]').first();
    await expect.poll(() => row.innerText()).toMatch(/Photo day[\s\S]*Rolled back[\s\S]*ada@acme\.test/);
    await screenshot(ada, 'sessions-tab-history');
  });

  it('sets "review directory changes before applying" on the Sync tab; a run applies its joiner and holds its deactivation for review in the runs panel', async () => {
    const users = sim.directory.seedUsers(3, (i, u) => {
      u.employeeId = `E${i}`;
    });
    const staff = await createStaffList(owner, 'Staff');
    await configure(owner, { listId: staff, connectionId: await createConnection(owner, sim), deactivationLimitPercent: 100 });
    expect((await syncAndWait(owner, staff, 'FULL')).counts.created).toBe(3);
    await ada.goto(`${server.url}/lists/${staff}/sync`);
    const policy = ada.getByTestId('sync-review-policy');
    await policy.waitFor();
    expect(await ada.getByTestId('auto-approve-CREATES').isDisabled()).toBe(true);
    await ada.getByTestId('review-sync-changes').check();
    await ada.getByTestId('auto-approve-CREATES').check();
    await ada.getByTestId('auto-approve-UPDATES').check();
    await ada.getByTestId('save-review-policy').click();
    await expect.poll(async () => (await owner.ok<{ masterList: { reviewSyncChanges: boolean; autoApprove: string[] } }>(`query($id: ID!) { masterList(id: $id) { reviewSyncChanges autoApprove } }`, { id: staff })).masterList).toEqual({ reviewSyncChanges: true, autoApprove: ['CREATES', 'UPDATES'] });
    await screenshot(ada, 'sync-review-policy');

    sim.directory.deleteUser(users[2]!, 'deleted');
    sim.directory.updateUser(users[0]!, { department: 'Finance' });
    sim.directory.seedUsers(1, (_i, u) => {
      u.employeeId = 'E-NEW';
    });
    const held = await syncAndWait(owner, staff, 'FULL');
    expect(held).toMatchObject({
      status: 'HALTED',
      reason: 'this list reviews directory changes before applying: 1 deactivation awaits approval; 1 new person, 1 update (auto-approved) applied at once',
    });
    await ada.reload();
    // The held run's review says why it was held (the setting, not the safety limit), in the
    // changeset review's words and with its filters.
    const review = ada.getByTestId('halted-review');
    await review.waitFor();
    expect(await review.getAttribute('data-held-by')).toBe('review');
    expect(await review.getByTestId('halted-title').innerText()).toBe('Sync held for review: 1 change to approve');
    expect(await review.getByTestId('halted-status').innerText()).toBe('In review');
    const why = await review.getByTestId('halted-reason').innerText();
    expect(why).toMatch(/^This list reviews directory changes before applying: 1 deactivation awaits approval; .*\. The kinds of change this list applies without review were written; the rest wait below\./);
    expect(why).not.toContain('safety limit');
    expect(await review.getByTestId('halted-written').innerText()).toBe('Only the auto-approved changes were written.');
    expect(await review.getByTestId('filter-ALL').innerText()).toBe('All 1');
    expect(await review.getByTestId('filter-deactivations').innerText()).toBe('Deactivations 1');
    expect(await review.getByTestId('filter-creates').count()).toBe(0);
    const row = review.getByTestId('preview-deactivations').getByTestId('preview-row');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/^E2\t/);
    await screenshot(ada, 'sync-review-held-run');

    await review.getByTestId('halted-approve').click();
    await ada.getByTestId('approve-dialog').getByTestId('confirm-approve').click();
    const result = ada.getByTestId('run-result');
    await expect.poll(() => result.getAttribute('data-status').catch(() => null), { timeout: 30_000 }).toBe('SUCCEEDED');
    // The approved run counts the whole run: what was applied at once and what was held.
    await expect.poll(() => result.getByTestId('count-created').locator('dd').innerText()).toBe('1');
    expect(await result.getByTestId('count-deactivated').locator('dd').innerText()).toBe('1');
    await screenshot(ada, 'sync-review-approved');
  });

  it('approves a held run except what the administrator rejects: one deactivation by hand, all updates at once', async () => {
    const users = sim.directory.seedUsers(4, (i, u) => {
      u.employeeId = `H${i}`;
    });
    const group = sim.directory.addGroup('Held', users);
    const listId = await createStaffList(owner, 'Held staff');
    await configure(owner, { listId, connectionId: await createConnection(owner, sim, 'Held connection'), scope: { kind: 'GROUP', groupId: group }, deactivationLimitPercent: 100 });
    expect((await syncAndWait(owner, listId, 'FULL')).counts.created).toBe(4);
    await owner.ok(`mutation($l: ID!) { setSyncReviewPolicy(listId: $l, reviewSyncChanges: true, autoApprove: []) { id } }`, { l: listId });
    sim.directory.removeMember(group, users[0]!);
    sim.directory.removeMember(group, users[1]!);
    sim.directory.updateUser(users[2]!, { department: 'Held back' });
    sim.directory.updateUser(users[3]!, { department: 'Held back' });
    const held = await syncAndWait(owner, listId, 'FULL');
    expect(held).toMatchObject({ status: 'HALTED', counts: { deactivated: 2, updated: 2 } });

    await ada.goto(`${server.url}/lists/${listId}/sync`);
    const review = ada.getByTestId('halted-review');
    await review.waitFor();
    const deactivations = review.getByTestId('preview-deactivations');
    await deactivations.getByTestId('preview-row').first().waitFor();
    expect(await review.getByTestId('halted-approve').innerText()).toBe('Approve and deactivate 2');
    // One deactivation rejected by hand: its row fades and the buttons say what will be applied.
    const h0 = deactivations.getByTestId('preview-row').filter({ hasText: 'H0' });
    await h0.getByTestId('held-reject').click();
    expect(await h0.getByTestId('held-reject').getAttribute('aria-pressed')).toBe('true');
    expect(await h0.getAttribute('class')).toContain('rejected');
    // Every update rejected at once, from the kind's heading.
    await review.getByTestId('reject-kind-updates').click();
    expect(await review.getByTestId('preview-updates').getByTestId('kind-rejected').innerText()).toBe('All 2 rejected');
    expect(await review.getByTestId('halted-rejected-count').innerText()).toBe('3 rejected');
    expect(await review.getByTestId('halted-approve').innerText()).toBe('Approve 1 and deactivate 1');
    await screenshot(ada, 'sync-review-held-decisions');

    await review.getByTestId('halted-approve').click();
    const dialog = ada.getByTestId('approve-dialog');
    expect(await dialog.innerText()).toMatch(/1\s+deactivated/);
    expect(await dialog.innerText()).not.toMatch(/updated/);
    expect(await dialog.getByTestId('approve-dialog-rejected').innerText()).toMatch(/^3\s+rejected/);
    await screenshot(ada, 'sync-review-held-decisions-confirm');
    await dialog.getByTestId('confirm-approve').click();
    const result = ada.getByTestId('run-result');
    await expect.poll(() => result.getAttribute('data-status').catch(() => null), { timeout: 30_000 }).toBe('SUCCEEDED');
    expect(await result.getByTestId('run-result-note').innerText()).toBe('approved by ada@acme.test; 3 changes rejected (2 updates, 1 deactivation), left as they are');
    const people = await owner.ok<{ people: { edges: Array<{ node: { uid: string; status: string; values: Record<string, unknown> } }> } }>(
      `query($l: ID!) { people(listId: $l, status: ALL) { edges { node { uid status values } } } }`,
      { l: listId },
    );
    const byUid = new Map(people.people.edges.map(({ node }) => [node.uid, node]));
    expect(['H0', 'H1', 'H2', 'H3'].map((u) => byUid.get(u)!.status)).toEqual(['ACTIVE', 'INACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(['H2', 'H3'].map((u) => byUid.get(u)!.values.department)).not.toContain('Held back');
  });
});

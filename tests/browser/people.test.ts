import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import { browserAvailable, launchBrowser, screenshot } from '../support/browser.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { addPeople, createList, signIn } from './helpers.js';

// The people table: keyset paging with a cursor stack, sorting, search, columns, live updates.
describe.runIf(browserAvailable())('people table in Chromium', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let browser: Browser;
  let page: Page;
  let listId: string;
  let ids: string[];

  const uid = (i: number) => `E${String(i).padStart(4, '0')}`;
  const rowUids = () => page.locator('[data-testid^="person-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('person-row-'.length)));

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    listId = await createList(owner, 'Staff', [
      ['last_name', 'Last name', 'TEXT'],
      ['grade', 'Grade', 'NUMBER'],
      ['teacher', 'Teacher', 'BOOLEAN'],
    ]);
    ids = await addPeople(
      owner,
      listId,
      Array.from({ length: 120 }, (_, n) => ({ employee_id: uid(n + 1), last_name: n === 76 ? 'Hopper' : `Name${String(120 - n).padStart(3, '0')}`, grade: (n % 12) + 1, teacher: n % 2 === 0 })),
    );
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 }, reducedMotion: 'reduce' });
    page.setDefaultTimeout(10_000);
    await signIn(page, server.url, 'ada@acme.test', 'correct horse battery');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('pages forwards and back with cursors', async () => {
    await page.goto(`${server.url}/lists/${listId}`);
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('1–50 of 120');
    expect((await rowUids())[0]).toBe(uid(1));
    await page.getByTestId('next-page').click();
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('51–100 of 120');
    expect((await rowUids())[0]).toBe(uid(51));
    await page.getByTestId('next-page').click();
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('101–120 of 120');
    expect(await page.getByTestId('next-page').isDisabled()).toBe(true);
    await page.getByTestId('previous-page').click();
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('51–100 of 120');
    await page.getByTestId('next-page').click();
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('101–120 of 120');
    await page.getByTestId('first-page').click();
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('1–50 of 120');
    await page.getByTestId('page-size').selectOption('25');
    await expect.poll(() => page.getByTestId('page-range').innerText()).toBe('1–25 of 120');
    await screenshot(page, '20-people-paging');
  });

  it('sorts by clicking column headers, numbers as numbers', async () => {
    await page.getByTestId('sort-employee_id').click();
    await expect.poll(async () => (await rowUids())[0]).toBe(uid(120));
    expect(await page.locator('th[aria-sort="descending"]').innerText()).toContain('EMPLOYEE ID');
    await page.getByTestId('sort-grade').click();
    await expect.poll(() => page.locator('th[aria-sort="ascending"]').innerText()).toContain('GRADE');
    await page.getByTestId('sort-grade').click();
    await expect.poll(async () => page.locator('[data-testid^="person-row-"] td:nth-child(3)').first().innerText()).toBe('12');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('grade');
    expect(new URL(page.url()).searchParams.get('dir')).toBe('DESC');
    // The view is in the URL: a reload shows the same.
    await page.reload();
    await expect.poll(async () => page.locator('[data-testid^="person-row-"] td:nth-child(3)').first().innerText()).toBe('12');
  });

  it('searches, and says when no one matches', async () => {
    await page.getByTestId('people-search').fill('hopper');
    await expect.poll(rowUids).toEqual([uid(77)]);
    await expect.poll(() => page.getByTestId('people-count').innerText()).toBe('1 person');
    await page.getByTestId('people-search').fill('nobody-like-this');
    await page.getByText('No one matches “nobody-like-this”').waitFor();
    await page.getByRole('button', { name: 'Clear search' }).click();
    await expect.poll(() => page.getByTestId('people-count').innerText()).toBe('120 people');
  });

  it('chooses columns, and remembers the choice', async () => {
    await page.getByTestId('columns-button').click();
    await page.getByTestId('column-toggle-teacher').uncheck();
    await page.getByTestId('column-toggle-updatedAt').check();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('columns-menu').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('columns-button');
    const headers = () => page.locator('[data-testid="people-table"] thead th').allInnerTexts();
    await expect.poll(headers).toEqual(['EMPLOYEE ID', 'LAST NAME', 'GRADE', 'UPDATED', 'STATUS']);
    await page.reload();
    await expect.poll(headers).toEqual(['EMPLOYEE ID', 'LAST NAME', 'GRADE', 'UPDATED', 'STATUS']);
    await screenshot(page, '21-people-columns');
  });

  it('shows changes made elsewhere as they happen', async () => {
    // Rows update from the event itself; the page and counts refresh at most once a second.
    const live = { timeout: 5000 };
    await page.goto(`${server.url}/lists/${listId}`);
    await page.getByTestId(`person-row-${uid(2)}`).waitFor();
    await owner.ok(`mutation($id: ID!) { updatePerson(id: $id, values: { last_name: "Lovelace" }) { id } }`, { id: ids[1] });
    await expect.poll(() => page.getByTestId(`person-row-${uid(2)}`).innerText(), live).toContain('Lovelace');
    await addPeople(owner, listId, [{ employee_id: 'A0001', last_name: 'Newcomer' }]);
    await expect.poll(() => page.getByTestId('people-count').innerText(), live).toBe('121 people');
    await page.getByTestId('person-row-A0001').waitFor();
    await owner.ok(`mutation($id: ID!) { deactivatePerson(id: $id) { id } }`, { id: ids[0] });
    await expect.poll(() => page.getByTestId(`person-row-${uid(1)}`).count(), live).toBe(0);
    await expect.poll(() => page.getByTestId('list-title').locator('xpath=..').innerText(), live).toContain('120 active');
  });

  it('keeps focus inside the drawer, closes it with Esc and returns focus', async () => {
    await page.getByTestId(`person-row-${uid(3)}`).getByRole('button', { name: `Open ${uid(3)}` }).focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByTestId('person-drawer');
    await drawer.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('person-drawer');
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="person-drawer"]')))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Open ${uid(3)}`);
  });

  it('erases a person only after the UID is typed', async () => {
    await page.getByTestId(`person-row-${uid(3)}`).click();
    await page.getByTestId('erase-person').click();
    const confirm = page.getByTestId('confirm-erase');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('erase-confirm-input').fill('E000');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('erase-confirm-input').fill(uid(3));
    await screenshot(page, '22-erase-confirm');
    // Esc closes only the confirmation; the drawer stays.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('erase-dialog').count()).toBe(0);
    expect(await page.getByTestId('person-drawer').count()).toBe(1);
    await page.getByTestId('erase-person').click();
    await page.getByTestId('erase-confirm-input').fill(uid(3));
    await page.getByTestId('confirm-erase').click();
    await expect.poll(() => page.getByTestId('person-drawer').count()).toBe(0);
    await expect.poll(() => page.getByTestId(`person-row-${uid(3)}`).count()).toBe(0);
    const left = await owner.ok<{ people: { totalCount: number } }>(`query($l: ID!) { people(listId: $l, search: "${uid(3)}") { totalCount } }`, { l: listId });
    expect(left.people.totalCount).toBe(0);
  });
});

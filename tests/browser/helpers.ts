import type { Page } from 'playwright-core';
import type { GraphQLTestClient } from '../support/graphql.js';

/** Signs in through the SPA's form and waits to leave the sign-in page. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** Creates a list with the UID field `employee_id` plus the given fields; returns its id. */
export async function createList(owner: GraphQLTestClient, name: string, fields: Array<[key: string, label: string, type: string]>): Promise<string> {
  const { createMasterList } = await owner.ok<{ createMasterList: { id: string } }>(
    `mutation($n: String!) { createMasterList(input: { name: $n, uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`,
    { n: name },
  );
  for (const [key, label, type] of fields) {
    await owner.ok(`mutation($l: ID!, $i: FieldInput!) { addField(listId: $l, input: $i) { id } }`, { l: createMasterList.id, i: { key, label, type } });
  }
  return createMasterList.id;
}

/** Adds people through the API, a few requests at a time; returns their ids in order. */
export async function addPeople(owner: GraphQLTestClient, listId: string, values: Array<Record<string, unknown>>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < values.length; i += 10) {
    const batch = await Promise.all(
      values.slice(i, i + 10).map((v) =>
        owner.ok<{ createPerson: { id: string } }>(`mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { id } }`, { l: listId, v }),
      ),
    );
    ids.push(...batch.map((b) => b.createPerson.id));
  }
  return ids;
}

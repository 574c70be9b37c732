import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GraphQLTestClient } from './graphql.js';
import { waitForRun, type RunResult } from './entra.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'csv');

/** A file of the CSV corpus (tests/fixtures/csv). */
export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

export const IMPORT_FIELDS = `id listId fileName byteSize encoding delimiter headers sampleRows rowCount uidColumn mapping { column fieldKey transform }`;

export interface UploadedImport {
  id: string;
  listId: string;
  fileName: string;
  byteSize: number;
  encoding: string;
  delimiter: string;
  headers: string[];
  sampleRows: string[][];
  rowCount: number;
}

/** POSTs a file to the upload endpoint as a script would; returns the status and JSON body. */
export async function upload(
  client: GraphQLTestClient,
  listId: string,
  body: Buffer | string,
  fileName = 'roster.csv',
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { import?: UploadedImport; error?: { code: string; message: string; problem?: string } } }> {
  const res = await fetch(`${client.baseUrl}/api/lists/${listId}/imports?fileName=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...(client.token ? { authorization: `Bearer ${client.token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  if (/\bat \w+ \(|SELECT |INSERT /.test(text)) throw new Error(`upload response shows internals: ${text}`);
  return { status: res.status, body: JSON.parse(text) as never };
}

/** Uploads a file that must be accepted; returns the import. */
export async function uploadOk(client: GraphQLTestClient, listId: string, body: Buffer | string, fileName?: string): Promise<UploadedImport> {
  const res = await upload(client, listId, body, fileName);
  if (res.status !== 201 || !res.body.import) throw new Error(`upload refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.import;
}

/** GETs a CSV download (problems, export) with the client's token. */
export async function download(client: GraphQLTestClient, pathAndQuery: string): Promise<{ status: number; type: string | null; disposition: string | null; bytes: Buffer; text: string }> {
  const res = await fetch(`${client.baseUrl}${pathAndQuery}`, { headers: client.token ? { authorization: `Bearer ${client.token}` } : {} });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes, text: bytes.toString('utf8') };
}

/** Sets an import's mapping through GraphQL. */
export async function mapImport(client: GraphQLTestClient, importId: string, mappings: Array<Record<string, unknown>>, uidColumn: string): Promise<void> {
  await client.ok(`mutation($i: SetCsvImportMappingInput!) { setCsvImportMapping(input: $i) { id } }`, { i: { importId, mappings, uidColumn } });
}

/** Commits an import and waits for its run to be final. */
export async function commitAndWait(client: GraphQLTestClient, importId: string, opts: { fullRoster?: boolean; skipInvalidRows?: boolean; skipUids?: string[] } = {}): Promise<RunResult> {
  const { commitCsvImport } = await client.ok<{ commitCsvImport: { id: string } }>(`mutation($i: CsvImportOptionsInput!) { commitCsvImport(input: $i) { id } }`, { i: { importId, ...opts } });
  return waitForRun(client, commitCsvImport.id);
}

/** The usual mapping of the corpus' roster files onto a list with employee_id and email. */
export const ROSTER_MAPPINGS = [
  { sourceAttribute: 'Employee ID', fieldKey: 'employee_id' },
  { sourceAttribute: 'E-mail', fieldKey: 'email', transform: 'LOWERCASE' },
  { sourceAttribute: 'First name', createField: { label: 'First name', type: 'TEXT' } },
  { sourceAttribute: 'Last name', createField: { label: 'Last name', type: 'TEXT' } },
  { sourceAttribute: 'Department', createField: { label: 'Department', type: 'TEXT' } },
  { sourceAttribute: 'Start date', createField: { label: 'Start date', type: 'DATE' } },
];

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer.js';
import { errors } from '../shared/errors.js';
import type { ListsService } from '../lists/lists.service.js';
import type { PeopleService } from './people.service.js';
import { MAX_PAGE, type PeopleQuery } from './people.query.js';
import { csvLine, UTF8_BOM } from '../sync/csv/csv-writer.js';

/** Columns every export may include besides the list's fields. */
const BUILT_IN: Record<string, { label: string; read: (p: { uid: string; status: string; createdAt: Date; updatedAt: Date }) => unknown }> = {
  uid: { label: 'UID', read: (p) => p.uid },
  status: { label: 'Status', read: (p) => p.status },
  createdAt: { label: 'Created', read: (p) => p.createdAt.toISOString() },
  updatedAt: { label: 'Updated', read: (p) => p.updatedAt.toISOString() },
};

export interface ExportOptions extends Omit<PeopleQuery, 'first' | 'after' | 'withCount'> {
  /** Field keys (and uid, status, createdAt, updatedAt) in order; every field when empty. */
  columns?: string[] | null;
  /** Start with a UTF-8 byte order mark, so Excel reads the file as UTF-8. */
  bom?: boolean;
}

/**
 * A list's people as CSV lines (current filter, chosen columns, status), read a keyset page at a
 * time through the same query as the people listing, so memory stays flat whatever the list's
 * size. Headers are the field labels; cells a spreadsheet would run as formulas are neutralised.
 */
export async function* exportPeopleCsv(deps: { people: PeopleService; lists: ListsService }, em: EntityManager, viewer: Viewer, listId: string, opts: ExportOptions): AsyncGenerator<string> {
  const list = await deps.lists.list(em, viewer, listId);
  const fields = await deps.lists.fields(em, list.id);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  // By default the UID field first (labelled as in the list, so the file imports back), every other field, then the status.
  const uid = fields.find((f) => f.id === list.uidFieldId);
  const columns = opts.columns?.length ? opts.columns : [uid?.key ?? 'uid', ...fields.filter((f) => f !== uid && f.type !== 'PHOTO').map((f) => f.key), 'status'];
  for (const c of columns) if (!BUILT_IN[c] && !byKey.has(c)) throw errors.badInput(`The list has no field "${c}"; export one of ${[...Object.keys(BUILT_IN), ...byKey.keys()].join(', ')}.`, 'columns');
  const first = await deps.people.page(em, viewer, list.id, { ...opts, first: MAX_PAGE });
  yield `${opts.bom ? UTF8_BOM : ''}${csvLine(columns.map((c) => BUILT_IN[c]?.label ?? byKey.get(c)!.label))}`;
  let page = first;
  for (;;) {
    let chunk = '';
    for (const p of page.people) chunk += csvLine(columns.map((c) => (BUILT_IN[c] ? BUILT_IN[c].read(p) : (p.values[c] ?? null))));
    if (chunk) yield chunk;
    if (!page.hasNextPage || !page.endCursor) return;
    page = await deps.people.page(em, viewer, list.id, { ...opts, first: MAX_PAGE, after: page.endCursor });
  }
}

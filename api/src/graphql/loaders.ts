import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ListFieldSchema, MasterListSchema, type ListField, type MasterList } from '../lists/list.entities.js';
import type { ListsService } from '../lists/lists.service.js';

/** Request-scoped batch loaders, so resolvers that fan out over many rows make one query each. */
export interface Loaders {
  list: DataLoader<string, MasterList | null>;
  fields: DataLoader<string, ListField[]>;
  lockedFields: DataLoader<string, Map<string, string>>;
  counts: DataLoader<string, { active: number; inactive: number }>;
}

export function createLoaders(em: EntityManager, lists: ListsService, organizationId: string | null): Loaders {
  const list = new DataLoader<string, MasterList | null>(async (ids) => {
    const rows = organizationId ? await em.find(MasterListSchema, { id: { $in: [...ids] }, organizationId }) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  const fields = new DataLoader<string, ListField[]>(async (listIds) => {
    const rows = await em.find(ListFieldSchema, { listId: { $in: [...listIds] } }, { orderBy: { position: 'asc' } });
    return listIds.map((id) => rows.filter((f) => f.listId === id));
  });
  const lockedFields = new DataLoader<string, Map<string, string>>(async (listIds) =>
    Promise.all(
      listIds.map(async (id) => {
        const l = await list.load(id);
        return l ? lists.lockedFields(em, l) : new Map<string, string>();
      }),
    ),
  );
  const counts = new DataLoader<string, { active: number; inactive: number }>(async (listIds) => {
    const rows = await em.execute<Array<{ list_id: string; active: number; inactive: number }>>(
      `SELECT list_id, count(*) FILTER (WHERE status = 'ACTIVE')::int AS active, count(*) FILTER (WHERE status = 'INACTIVE')::int AS inactive
         FROM person WHERE list_id = ANY(?::uuid[]) GROUP BY list_id`,
      // knex expands JS arrays in bindings into lists, so pass a PostgreSQL array literal.
      [`{${listIds.join(',')}}`],
    );
    const byId = new Map(rows.map((r) => [r.list_id, r]));
    return listIds.map((id) => ({ active: byId.get(id)?.active ?? 0, inactive: byId.get(id)?.inactive ?? 0 }));
  });
  return { list, fields, lockedFields, counts };
}

import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

const KEY = 'rollcall.peopleTable.v1';

/** Column ids that are not fields of the list, shown only when chosen. */
export const EXTRA_COLUMNS = ['createdAt', 'updatedAt'] as const;

interface Saved {
  pageSize: number;
  /** Per list: column id -> shown. Columns not listed use their default. */
  columns: Record<string, Record<string, boolean>>;
}

function load(): Saved {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Saved> | null;
    return { pageSize: [25, 50, 100].includes(saved?.pageSize ?? 0) ? saved!.pageSize! : 50, columns: saved?.columns ?? {} };
  } catch {
    return { pageSize: 50, columns: {} };
  }
}

/**
 * How each person sees the people table (client state, kept in this browser): page size and
 * which columns each list shows. Fields are shown unless hidden; extra columns hidden unless chosen.
 */
export const usePeopleTablePrefs = defineStore('peopleTable', () => {
  const saved = load();
  const pageSize = ref(saved.pageSize);
  const columns = ref(saved.columns);
  watch([pageSize, columns], () => localStorage.setItem(KEY, JSON.stringify({ pageSize: pageSize.value, columns: columns.value })), { deep: true });

  function isShown(listId: string, columnId: string): boolean {
    return columns.value[listId]?.[columnId] ?? !(EXTRA_COLUMNS as readonly string[]).includes(columnId);
  }
  function setShown(listId: string, columnId: string, shown: boolean): void {
    columns.value = { ...columns.value, [listId]: { ...columns.value[listId], [columnId]: shown } };
  }
  function reset(listId: string): void {
    const { [listId]: _dropped, ...rest } = columns.value;
    columns.value = rest;
  }
  return { pageSize, isShown, setShown, reset };
});

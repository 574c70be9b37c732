import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  title: string;
  message?: string;
}

/** Client-only UI state: transient notifications. */
export const useToasts = defineStore('toasts', () => {
  const items = ref<Toast[]>([]);
  let next = 1;
  function push(kind: Toast['kind'], title: string, message?: string) {
    const id = next++;
    // A few at a time: a burst of actions should not bury the page.
    items.value = [...items.value, { id, kind, title, ...(message ? { message } : {}) }].slice(-4);
    setTimeout(() => dismiss(id), kind === 'error' ? 8000 : 4000);
  }
  function dismiss(id: number) {
    items.value = items.value.filter((t) => t.id !== id);
  }
  return { items, push, dismiss };
});

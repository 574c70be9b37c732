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
    items.value.push({ id, kind, title, ...(message ? { message } : {}) });
    setTimeout(() => dismiss(id), kind === 'error' ? 8000 : 4000);
  }
  function dismiss(id: number) {
    items.value = items.value.filter((t) => t.id !== id);
  }
  return { items, push, dismiss };
});

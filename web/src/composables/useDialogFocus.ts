import { nextTick, onBeforeUnmount, onMounted, type Ref } from 'vue';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

// Open dialogs and drawers, innermost last: only the top one answers Esc and traps Tab, so a
// confirmation over the person drawer closes alone.
const layers: symbol[] = [];

/**
 * Focus management for a modal layer (WAI-ARIA dialog pattern): focus moves in when it opens
 * (to `[data-autofocus]`, else `initial`: the first control or the panel itself), Tab and
 * Shift+Tab stay inside, Esc calls `onEscape`, and focus returns to where it was on close.
 */
export function useDialogFocus(panel: Ref<HTMLElement | null>, onEscape: () => void, initial: 'first-control' | 'panel' = 'first-control') {
  const id = Symbol('layer');
  let previous: HTMLElement | null = null;

  function focusables(): HTMLElement[] {
    return [...(panel.value?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])].filter((el) => el.offsetParent !== null || el === document.activeElement);
  }

  function onKey(e: KeyboardEvent) {
    if (layers.at(-1) !== id || !panel.value) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      onEscape();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables();
    if (!items.length) {
      e.preventDefault();
      panel.value.focus();
      return;
    }
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = document.activeElement;
    const inside = active instanceof Node && panel.value.contains(active);
    if (e.shiftKey && (active === first || !inside || active === panel.value)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !inside)) {
      e.preventDefault();
      first.focus();
    }
  }

  onMounted(async () => {
    previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    layers.push(id);
    document.addEventListener('keydown', onKey);
    await nextTick();
    const wanted = panel.value?.querySelector<HTMLElement>('[data-autofocus]');
    const first = initial === 'first-control' ? focusables().find((el) => !el.matches('[data-dialog-close]')) : undefined;
    (wanted ?? first ?? panel.value)?.focus();
  });

  onBeforeUnmount(() => {
    const at = layers.indexOf(id);
    if (at >= 0) layers.splice(at, 1);
    document.removeEventListener('keydown', onKey);
    if (previous?.isConnected) previous.focus();
  });
}

import { describeError } from './useErrorMessage';
import { useToasts } from '../stores/toasts';

/**
 * Runs a mutation-like action and reports the outcome as a toast: `done` on success, the
 * server's explanation on failure. For actions without a form to show errors next to.
 */
export function useAction() {
  const toasts = useToasts();
  return async function run(action: () => Promise<unknown>, done: string, detail?: string): Promise<boolean> {
    try {
      await action();
      toasts.push('success', done, detail);
      return true;
    } catch (e) {
      const p = describeError(e);
      toasts.push('error', p.title, p.message);
      return false;
    }
  };
}

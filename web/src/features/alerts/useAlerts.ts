import { computed } from 'vue';
import { useQuery } from '@vue/apollo-composable';
import { AlertsChangedSubscription, AlertsQuery } from './documents';

/** A fallback for a lost WebSocket: secrets age while nobody acts, and pushes may be missed. */
export const ALERTS_POLL_MS = 60_000;

/**
 * The organisation's current (undismissed) alerts, shared by the layout and the alerts page
 * through the cache. `live` (one caller: the bell) also takes the `alertsChanged` pushes, which
 * replace the cached list whenever a run ends, credentials are checked or an alert is dismissed.
 */
export function useAlerts(opts: { live?: boolean } = {}) {
  const { result, loading, error, refetch, subscribeToMore } = useQuery(AlertsQuery, { includeDismissed: false }, { pollInterval: ALERTS_POLL_MS, fetchPolicy: 'cache-and-network' });
  if (opts.live) {
    subscribeToMore({ document: AlertsChangedSubscription, updateQuery: (_previous, { subscriptionData }) => ({ alerts: subscriptionData.data.alertsChanged }) });
  }
  const alerts = computed(() => result.value?.alerts ?? []);
  const errors = computed(() => alerts.value.filter((a) => a.severity === 'ERROR'));
  return { alerts, errors, loading, error, refetch };
}

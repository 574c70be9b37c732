import { computed } from 'vue';
import { useQuery } from '@vue/apollo-composable';
import { AlertsQuery } from './documents';

/** How often the layout asks for alerts: runs end and secrets age while nobody clicks. */
export const ALERTS_POLL_MS = 30_000;

/** The organisation's current (undismissed) alerts, polled, shared by the layout and the alerts page. */
export function useAlerts() {
  const { result, loading, error, refetch } = useQuery(AlertsQuery, { includeDismissed: false }, { pollInterval: ALERTS_POLL_MS, fetchPolicy: 'cache-and-network' });
  const alerts = computed(() => result.value?.alerts ?? []);
  const errors = computed(() => alerts.value.filter((a) => a.severity === 'ERROR'));
  return { alerts, errors, loading, error, refetch };
}

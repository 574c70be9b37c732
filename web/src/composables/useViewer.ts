import { computed } from 'vue';
import { useQuery } from '@vue/apollo-composable';
import { ViewerQuery } from '../features/auth/documents';

/** The signed-in member and organisation, from the Apollo cache. */
export function useViewer() {
  const { result, loading } = useQuery(ViewerQuery, null, { fetchPolicy: 'cache-first' });
  const viewer = computed(() => result.value?.viewer ?? null);
  const role = computed(() => viewer.value?.member.role ?? 'VIEWER');
  return {
    viewer,
    loading,
    /** Owners and admins may change things; viewers only read. */
    canEdit: computed(() => role.value === 'OWNER' || role.value === 'ADMIN'),
    isOwner: computed(() => role.value === 'OWNER'),
  };
}

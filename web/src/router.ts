import { createRouter, createWebHistory } from 'vue-router';
import { apolloClient, onSignedOut } from './apollo';
import { SetupStatusQuery, ViewerQuery } from './features/auth/documents';
import { writeViewer } from './features/auth/session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Browser tab title; pages with a dynamic title set it themselves. */
    title?: string;
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/setup', name: 'setup', component: () => import('./features/auth/SetupPage.vue'), meta: { public: true, title: 'Set up' } },
    { path: '/sign-in', name: 'sign-in', component: () => import('./features/auth/SignInPage.vue'), meta: { public: true, title: 'Sign in' } },
    { path: '/unavailable', name: 'unavailable', component: () => import('./features/auth/UnavailablePage.vue'), meta: { public: true, title: 'Cannot reach Rollcall' } },
    {
      path: '/',
      component: () => import('./components/AppLayout.vue'),
      children: [
        { path: '', redirect: { name: 'lists' } },
        { path: 'lists', name: 'lists', component: () => import('./features/lists/ListsIndexPage.vue'), meta: { title: 'Master lists' } },
        {
          path: 'lists/:listId/sessions/:sessionId',
          name: 'session',
          component: () => import('./features/sessions/SessionPage.vue'),
          props: true,
          meta: { title: 'Session' },
        },
        {
          path: 'lists/:listId/changesets/:changesetId',
          name: 'changeset',
          component: () => import('./features/sessions/ChangesetReviewPage.vue'),
          props: true,
          meta: { title: 'Review changes' },
        },
        {
          path: 'lists/:listId/:tab(people|schema|sync|sessions|audit)?',
          name: 'list',
          component: () => import('./features/lists/ListPage.vue'),
          props: true,
        },
        { path: 'integrations', name: 'integrations', component: () => import('./features/integrations/IntegrationsPage.vue'), meta: { title: 'Directory integrations' } },
        { path: 'tokens', name: 'tokens', component: () => import('./features/tokens/TokensPage.vue'), meta: { title: 'API tokens' } },
        { path: 'members', name: 'members', component: () => import('./features/members/MembersPage.vue'), meta: { title: 'Members' } },
        { path: 'alerts', name: 'alerts', component: () => import('./features/alerts/AlertsPage.vue'), meta: { title: 'Alerts' } },
      ],
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

// Setup happens once per installation: after the server has said so, stop asking.
let setupDone = false;

// First run goes to setup; signed-out visitors go to sign-in; signed-in ones skip both. The
// viewer comes from the Apollo cache (sign-in, setup and sign-out keep it current), so changing
// a filter or a tab costs no request; an expired session is caught by onSignedOut below.
router.beforeEach(async (to) => {
  if (to.name === 'unavailable') return true;
  let signedIn: boolean;
  try {
    const [setup, me] = await Promise.all([
      setupDone ? null : apolloClient.query({ query: SetupStatusQuery, fetchPolicy: 'network-only' }),
      apolloClient.query({ query: ViewerQuery, fetchPolicy: 'cache-first' }),
    ]);
    if (setup?.data.setupStatus.needsSetup) return to.name === 'setup' ? true : { name: 'setup' };
    setupDone = true;
    signedIn = Boolean(me.data.viewer);
  } catch {
    // The server did not answer (down, restarting, offline): say so rather than show nothing.
    return { name: 'unavailable', query: { next: to.fullPath } };
  }
  if (to.name === 'setup') return { name: signedIn ? 'lists' : 'sign-in' };
  if (!signedIn && !to.meta.public) return { name: 'sign-in', query: to.fullPath !== '/' && to.fullPath !== '/lists' ? { next: to.fullPath } : {} };
  if (signedIn && to.name === 'sign-in') return { name: 'lists' };
  return true;
});

router.afterEach((to) => {
  if (to.meta.title) document.title = `${to.meta.title} · Rollcall`;
});

// The server said the session is gone (expired, revoked, or signed out elsewhere): forget the
// viewer, go to sign-in and come back here afterwards, then drop every cached answer.
let leaving = false;
onSignedOut(() => {
  const here = router.currentRoute.value;
  writeViewer(apolloClient.cache, null);
  if (here.meta.public || leaving) return;
  leaving = true;
  void router
    .push({ name: 'sign-in', query: { next: here.fullPath, expired: '1' } })
    .then(() => apolloClient.clearStore())
    .finally(() => (leaving = false));
});

import { createRouter, createWebHistory } from 'vue-router';
import { apolloClient } from './apollo';
import { SetupStatusQuery, ViewerQuery } from './features/auth/documents';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/setup', name: 'setup', component: () => import('./features/auth/SetupPage.vue'), meta: { public: true } },
    { path: '/sign-in', name: 'sign-in', component: () => import('./features/auth/SignInPage.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('./components/AppLayout.vue'),
      children: [
        { path: '', redirect: { name: 'lists' } },
        { path: 'lists', name: 'lists', component: () => import('./features/lists/ListsIndexPage.vue') },
        { path: 'lists/:listId/:tab(people|schema|sync|audit)?', name: 'list', component: () => import('./features/lists/ListPage.vue'), props: true },
        { path: 'tokens', name: 'tokens', component: () => import('./features/tokens/TokensPage.vue') },
        { path: 'members', name: 'members', component: () => import('./features/members/MembersPage.vue') },
      ],
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

// First run goes to setup; signed-out visitors go to sign-in; signed-in ones skip both.
router.beforeEach(async (to) => {
  const [{ data: setup }, { data: me }] = await Promise.all([
    apolloClient.query({ query: SetupStatusQuery, fetchPolicy: 'network-only' }),
    apolloClient.query({ query: ViewerQuery, fetchPolicy: 'network-only' }),
  ]);
  if (setup.setupStatus.needsSetup) return to.name === 'setup' ? true : { name: 'setup' };
  if (to.name === 'setup') return { name: me.viewer ? 'lists' : 'sign-in' };
  if (!me.viewer && !to.meta.public) return { name: 'sign-in', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (me.viewer && to.name === 'sign-in') return { name: 'lists' };
  return true;
});

import { createApp, h, provide } from 'vue';
import { createPinia } from 'pinia';
import { DefaultApolloClient } from '@vue/apollo-composable';
import { apolloClient } from './apollo';
import { router } from './router';
import App from './App.vue';
import './styles.css';

createApp({
  setup() {
    provide(DefaultApolloClient, apolloClient);
  },
  render: () => h(App),
})
  .use(createPinia())
  .use(router)
  .mount('#app');

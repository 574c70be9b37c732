import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const api = process.env.ROLLCALL_API_URL ?? 'http://localhost:4000';

// In development Vite serves the SPA with hot reload and proxies the API (HTTP and WebSocket).
export default defineConfig({
  plugins: [vue()],
  server: {
    port: 5173,
    proxy: {
      // The API refuses cookie requests from other origins (CSRF); through this proxy the page's
      // origin is Vite's, so the proxy presents the API's own.
      '/graphql': { target: api, ws: true, changeOrigin: true, headers: { origin: api } },
      '/healthz': api,
      '/api': { target: api, changeOrigin: true, headers: { origin: api } },
    },
  },
  build: { outDir: 'dist', sourcemap: true },
});

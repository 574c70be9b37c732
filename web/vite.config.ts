import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const api = process.env.ROLLCALL_API_URL ?? 'http://localhost:4000';

// In development Vite serves the SPA with hot reload and proxies the API (HTTP and WebSocket).
export default defineConfig({
  plugins: [vue()],
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/healthz': api,
      '/api': api,
    },
  },
  build: { outDir: 'dist', sourcemap: true },
});

import { defineConfig } from 'vite';

// The interface is served by `impetus serve` from web/dist; during development `vite` proxies
// the API to a server on 127.0.0.1:8080.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ogc': 'http://127.0.0.1:8080',
    },
  },
});

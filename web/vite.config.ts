// Vite build of the web UI. The output in dist/ is embedded into the rapport binary by
// scripts/embed.mjs, so the build must be self-contained: no inline scripts or styles
// (the server sends a strict Content-Security-Policy), hashed file names under /assets/
// (served as immutable), and no module-preload polyfill (it is an inline script).
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: {
    jsx: 'automatic',
    jsxImportSource: 'preact',
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/metrics': 'http://127.0.0.1:8080',
    },
  },
});

import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The web app's build: Preact through esbuild's automatic JSX runtime (no Babel plugin needed),
 * into dist/web, which the service serves at `/` (src/web-app/web-app.ts). Hashed file names let
 * the service cache /assets/* for a year; index.html is always revalidated.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: resolve(import.meta.dirname, '..', 'dist', 'web'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline <script> for the preload polyfill: the CSP allows scripts from files only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});

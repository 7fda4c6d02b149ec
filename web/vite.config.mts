/**
 * Vite build of the storefront page. `npm run build:web` writes web/dist, which the
 * local platform serves at `/` and the Pulumi program (infra/static-site.ts) uploads
 * to the static bucket. Hashed files land under dist/assets/ (cached for a year).
 *
 * `npx vite --config web/vite.config.mts` runs a dev server (port WEB_DEV_PORT, default 5173)
 * that proxies the API to the local platform (`npm start`); SHOP_API_URL overrides where it is.
 */
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const apiTarget = process.env.SHOP_API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  publicDir: "public",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
  },
  server: {
    host: "127.0.0.1",
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    strictPort: true,
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false },
      "/health": { target: apiTarget, changeOrigin: false },
    },
  },
});

/**
 * Vite build of the storefront page. `npm run build:web` writes web/dist, which the
 * local platform serves at `/` and the Pulumi program (infra/static-site.ts) uploads
 * to the static bucket. Hashed files land under dist/assets/ (cached for a year).
 *
 * `npx vite --config web/vite.config.mts` runs a dev server (port WEB_DEV_PORT, default 5173)
 * that proxies the API to the local platform (`npm start`); SHOP_API_URL overrides where it is.
 */
import { defineConfig, type Plugin } from "vite";
import { fileURLToPath } from "node:url";
import { PAGE_SIZE, SKELETON_CARD_HTML, SKELETON_CARDS_MARKER } from "./src/skeleton";

const apiTarget = process.env.SHOP_API_URL ?? "http://127.0.0.1:3000";

/** Writes a page of placeholder cards where index.html asks for them. */
const skeletonCards: Plugin = {
  name: "skeleton-cards",
  transformIndexHtml(html) {
    if (!SKELETON_CARDS_MARKER.test(html)) throw new Error("index.html has no <!-- skeleton-cards --> marker");
    return html.replace(SKELETON_CARDS_MARKER, SKELETON_CARD_HTML.repeat(PAGE_SIZE));
  },
};

export default defineConfig({
  plugins: [skeletonCards],
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

/**
 * One e2e file's shop: the local platform (with a fresh web build), headless Chromium and a
 * page, started before the file's tests and stopped after them.
 */
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { ensureWebBuild } from "../../scripts/web/build";
import { expectAccessible, SCREENSHOTS } from "./audit";
import { launchChromium, type Browser } from "./browser";
import { startLocalPlatform, type LocalPlatform } from "./platform";

export interface ShopSession {
  platform: LocalPlatform;
  browser: Browser;
  page: Page;
}

/**
 * Registers the file's setup and teardown; `ready` receives the session once it runs.
 * `prepare` runs on the browser context before the first page opens.
 */
export function openShop(ready: (session: ShopSession) => void, prepare?: (context: BrowserContext) => Promise<void>): void {
  let session: Partial<ShopSession> = {};
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The platform serves web/dist: (re)build it when it is older than the page's sources.
    ensureWebBuild();
    session.platform = await startLocalPlatform();
    session.browser = await launchChromium();
    await prepare?.(session.browser.context);
    session.page = await session.browser.context.newPage();
    ready(session as ShopSession);
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.platform?.stop();
    session = {};
  });
}

/** Checks the page state with axe-core, then keeps a screenshot of it under test-results/e2e. */
export async function keepShot(target: Page, name: string, fullPage = true): Promise<void> {
  await expectAccessible(target, name);
  await target.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

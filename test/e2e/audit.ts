/// <reference lib="dom" />
/**
 * What every e2e page state is checked for, beyond the scenario's own assertions:
 * - accessibility: axe-core with the WCAG 2.0/2.1/2.2 A and AA rules; any violation fails;
 * - web performance: cumulative layout shift and largest contentful paint, read from the
 *   browser's own PerformanceObserver entries and collected for the report (printed and
 *   written to test-results/e2e/web-vitals.json).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { REPO_ROOT } from "./platform";

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
/** axe-core's tags for every WCAG 2.2 success criterion at levels A and AA. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

export const SCREENSHOTS = path.join(REPO_ROOT, "test-results", "e2e");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core on the page as it is now; throws a readable list of violations, if any. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  }, WCAG_TAGS);
  if (violations.length > 0) {
    const lines = violations.map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\n/g, " ") ?? ""}`).join("\n")}`,
    );
    throw new Error(`axe-core: ${violations.length} WCAG 2.2 A/AA violation(s) on "${state}" (${page.url()}):\n${lines.join("\n")}`);
  }
}

/**
 * Starts collecting layout shifts and LCP candidates in every page of the context, from
 * the first byte (buffered observers installed before any page script runs).
 */
export async function installVitalsObserver(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const vitals = { cls: 0, lcp: 0, lcpElement: "", shifts: [] as { value: number; sources: string[] }[] };
    (window as unknown as { __vitals: typeof vitals }).__vitals = vitals;
    const describe = (node: Node | null | undefined) => {
      const el = node instanceof Element ? node : null;
      return el ? `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.classList.length ? "." + Array.from(el.classList).join(".") : ""}` : "?";
    };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: { node?: Node }[] })[]) {
        if (entry.hadRecentInput) continue; // shifts right after input are expected, not counted (as in CLS)
        vitals.cls += entry.value;
        vitals.shifts.push({ value: entry.value, sources: (entry.sources ?? []).map((s) => describe(s.node)) });
      }
    }).observe({ type: "layout-shift", buffered: true });
    new PerformanceObserver((list) => {
      const last = list.getEntries().at(-1) as (PerformanceEntry & { element?: Element | null }) | undefined;
      if (last) {
        vitals.lcp = last.startTime;
        vitals.lcpElement = describe(last.element);
      }
    }).observe({ type: "largest-contentful-paint", buffered: true });
  });
}

export interface Vitals {
  /** Sum of every layout shift not caused by input (an upper bound of Lighthouse's windowed CLS). */
  cls: number;
  /** Largest contentful paint, ms since navigation start. */
  lcp: number;
  lcpElement: string;
  shifts: { value: number; sources: string[] }[];
}

export async function readVitals(page: Page): Promise<Vitals> {
  return page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __vitals: Vitals }).__vitals)) as Vitals);
}

const measured: Record<string, Vitals & { url: string; viewport: string }> = {};

/** Records a measurement for the report (stdout and test-results/e2e/web-vitals.json). */
export function reportVitals(name: string, page: Page, vitals: Vitals): void {
  const viewport = page.viewportSize();
  measured[name] = { ...vitals, url: page.url(), viewport: viewport ? `${viewport.width}x${viewport.height}` : "?" };
  writeFileSync(path.join(SCREENSHOTS, "web-vitals.json"), JSON.stringify(measured, null, 2) + "\n");
  console.log(
    `[web-vitals] ${name} (${measured[name]!.viewport}): layout shift ${vitals.cls.toFixed(4)}, LCP ${vitals.lcp.toFixed(0)} ms (${vitals.lcpElement})`,
  );
}

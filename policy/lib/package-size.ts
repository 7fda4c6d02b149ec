/**
 * Estimates the zipped size of a Lambda code archive from its assets (deflate per file,
 * as zip stores them), so Lambda@Edge's package limits can be checked before deploy.
 * Returns undefined when the content cannot be read from here (remote archives, missing files).
 */
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { deflateRawSync } from "node:zlib";

/** Zip's per-file overhead (local header + central directory entry), roughly. */
const ZIP_ENTRY_OVERHEAD = 100;

function deflated(data: Buffer | string): number {
  return deflateRawSync(typeof data === "string" ? Buffer.from(data) : data, { level: 9 }).length + ZIP_ENTRY_OVERHEAD;
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? await dirSize(p) : deflated(await readFile(p));
  }
  return total;
}

type AssetLike = {
  text?: Promise<string> | string;
  path?: Promise<string> | string;
  uri?: unknown;
  assets?: Promise<Record<string, unknown>> | Record<string, unknown>;
};

/**
 * The analyzer hands policies its props behind an unknown-checking Proxy; a proxied Promise
 * cannot be awaited, so read the asset through the proxy's documented escape hatch.
 */
function unproxied(value: object): object {
  const v = value as Record<string, unknown>;
  return v.__isSpecialProxy === true ? (v.__getSpecialProxyTarget as object) : value;
}

/** Estimated zipped size in bytes of an Asset or Archive (Pulumi objects, as the analyzer deserializes them). */
export async function estimatedZipBytes(value: unknown): Promise<number | undefined> {
  if (!value || typeof value !== "object") return undefined;
  const v = unproxied(value) as AssetLike;
  try {
    if (v.assets !== undefined) {
      let total = 0;
      for (const a of Object.values(await v.assets)) {
        const n = await estimatedZipBytes(a);
        if (n === undefined) return undefined;
        total += n;
      }
      return total;
    }
    if (v.text !== undefined) return deflated(await v.text);
    if (v.path !== undefined) {
      const p = await v.path;
      const s = await stat(p);
      if (s.isDirectory()) return await dirSize(p);
      return p.endsWith(".zip") || p.endsWith(".jar") ? s.size : deflated(await readFile(p));
    }
  } catch {
    return undefined;
  }
  return undefined;
}

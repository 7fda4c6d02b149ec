/**
 * The contract has no product images, so each product gets a generated illustration:
 * an SVG tile coloured from its SKU with the product's initials. Deterministic, tiny,
 * and served as a data: URL (no extra requests).
 */

/** A stable hue (0-359) for a string (FNV-1a hash). */
export function hueFor(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 360;
}

/** Up to two initials from the product name ("Linen Shirt" -> "LS"). */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  return words
    .slice(0, 2)
    .map((w) => [...w.replace(/^[^\p{L}\p{N}]+/u, "")][0] ?? "")
    .join("")
    .toUpperCase();
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

export function productArtSvg(sku: string, name: string): string {
  const hue = hueFor(sku);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 240">` +
    `<rect width="320" height="240" fill="hsl(${hue} 55% 88%)"/>` +
    `<circle cx="250" cy="60" r="90" fill="hsl(${(hue + 40) % 360} 60% 78%)"/>` +
    `<text x="40" y="170" font-family="system-ui,sans-serif" font-size="96" font-weight="700" fill="hsl(${hue} 45% 28%)">${escapeXml(initials(name))}</text>` +
    `</svg>`
  );
}

export function productArtUrl(sku: string, name: string): string {
  return `data:image/svg+xml,${encodeURIComponent(productArtSvg(sku, name))}`;
}

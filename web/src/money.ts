/**
 * Prices arrive as integer minor units (cents) plus an ISO 4217 currency. They are
 * turned into a decimal string without floating-point arithmetic and formatted with
 * Intl.NumberFormat, so 1999 USD is "$19.99", 500 JPY is "¥500" and 1234 BHD is "BHD 1.234".
 */

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string | undefined): Intl.NumberFormat {
  const key = `${locale ?? ""}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** How many minor-unit digits the currency has (2 for USD, 0 for JPY, 3 for BHD). */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Exact decimal string for an integer amount of minor units: (1999, 2) -> "19.99". */
export function minorUnitsToDecimal(amount: number, digits: number): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be an integer number of minor units, got ${amount}`);
  const sign = amount < 0 ? "-" : "";
  const abs = String(Math.abs(amount));
  if (digits === 0) return sign + abs;
  const padded = abs.padStart(digits + 1, "0");
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** Formats integer minor units for display, e.g. formatPrice(1999, "USD", "en-US") -> "$19.99". */
export function formatPrice(amountMinor: number, currency = "USD", locale?: string): string {
  const code = currency.toUpperCase();
  const decimal = minorUnitsToDecimal(amountMinor, minorUnitDigits(code));
  // Intl.NumberFormat formats decimal strings exactly (ES2023 Intl.NumberFormat v3).
  return formatterFor(code, locale).format(decimal as unknown as number);
}

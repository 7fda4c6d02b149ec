/**
 * The currencies a price may be in: ISO 4217 alphabetic codes as the runtime's
 * ICU data (CLDR) lists them, `Intl.supportedValuesOf("currency")` - a list
 * maintained upstream and updated with every Node.js release, so no copy of it
 * lives here. It holds the codes in circulation; fund codes (BOV, CLF...), precious
 * metals (XAU...) and test codes (XTS, XXX), which are no price currency, are not in it.
 */
let codes: ReadonlySet<string> | undefined;

export function isCurrencyCode(code: string): boolean {
  codes ??= new Set(Intl.supportedValuesOf("currency"));
  return codes.has(code);
}

import { describe, expect, it } from "vitest";
import { formatPrice, minorUnitDigits, minorUnitsToDecimal } from "../../web/src/money";

describe("prices from integer minor units", () => {
  it("formats US dollars from cents", () => {
    expect(formatPrice(1999, "USD", "en-US")).toBe("$19.99");
    expect(formatPrice(5, "USD", "en-US")).toBe("$0.05");
    expect(formatPrice(0, "USD", "en-US")).toBe("$0.00");
    expect(formatPrice(123456, "USD", "en-US")).toBe("$1,234.56");
  });

  it("follows the locale's conventions", () => {
    expect(formatPrice(1999, "EUR", "de-DE")).toBe("19,99\u00a0€");
  });

  it("uses each currency's own number of minor units", () => {
    expect(minorUnitDigits("USD")).toBe(2);
    expect(minorUnitDigits("JPY")).toBe(0);
    expect(minorUnitDigits("BHD")).toBe(3);
    expect(formatPrice(500, "JPY", "en-US")).toBe("¥500");
    expect(formatPrice(1234, "BHD", "en-US")).toBe("BHD\u00a01.234");
  });

  it("is exact where floating-point division is not", () => {
    expect(minorUnitsToDecimal(Number.MAX_SAFE_INTEGER, 2)).toBe("90071992547409.91");
    expect(formatPrice(Number.MAX_SAFE_INTEGER, "USD", "en-US")).toBe("$90,071,992,547,409.91");
    expect(minorUnitsToDecimal(-7, 2)).toBe("-0.07");
  });

  it("accepts lowercase currency codes and defaults to USD", () => {
    expect(formatPrice(250, "usd", "en-US")).toBe("$2.50");
    expect(formatPrice(250, undefined, "en-US")).toBe("$2.50");
  });

  it("refuses amounts that are not whole minor units", () => {
    expect(() => formatPrice(19.99, "USD", "en-US")).toThrow(/integer number of minor units/);
  });
});

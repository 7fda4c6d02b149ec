import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../web/src/api";
import { hueFor, initials, productArtSvg } from "../../web/src/art";
import { categoryNames } from "../../web/src/categories";
import { categoryLabel, errorMessage, maxOrderable, nextQuantity, stockLabel, stockNote } from "../../web/src/messages";
import { parseQuantity } from "../../web/src/views/cart";
import { normalizeQuery } from "../../web/src/views/search";

describe("the category chips", () => {
  it("shows each category the API lists that has products, sorted for reading", () => {
    const listed = [
      { category: "tea", productCount: 1 },
      { category: "coffee-gear", productCount: 3 },
      { category: "coffee", productCount: 2 },
      { category: "discontinued", productCount: 0 },
    ];
    expect(categoryNames(listed)).toEqual(["coffee", "coffee-gear", "tea"]);
  });
});

describe("what the shopper reads", () => {
  it("explains insufficient stock and says the cart is unchanged", () => {
    const text = errorMessage(new ApiError(409, "insufficient_stock", "short"), "checkout");
    expect(text).toMatch(/enough stock/);
    expect(text).toMatch(/cart is unchanged/);
  });

  it("tells a shopper whose checkout lost its connection that retrying is safe", () => {
    expect(errorMessage(new NetworkError("x"), "checkout")).toMatch(/not be placed twice/);
    expect(errorMessage(new NetworkError("x"), "load")).toMatch(/Check your connection/);
  });

  it("names the wait when the shop is unavailable", () => {
    expect(errorMessage(new ApiError(503, "unavailable", "x", 5), "load")).toMatch(/in 5 seconds/);
    expect(errorMessage(new ApiError(503, "unavailable", "x"), "load")).toMatch(/in a moment/);
  });

  it("never shows a raw server error for a 5xx", () => {
    expect(errorMessage(new ApiError(500, "internal", "TypeError: x is undefined"), "load")).not.toMatch(/TypeError/);
    expect(errorMessage(new Error("boom"), "load")).toBe("Something went wrong. Try again.");
  });

  it("labels stock and caps quantities at what the contract and the stock allow", () => {
    expect(stockLabel(0)).toBe("Out of stock");
    expect(stockLabel(3)).toBe("Only 3 left");
    expect(stockLabel(40)).toBe("In stock");
    expect(maxOrderable(250)).toBe(99);
    expect(maxOrderable(4)).toBe(4);
    expect(maxOrderable(-1)).toBe(0);
    expect(nextQuantity(98, 5)).toBe(99);
    expect(nextQuantity(2, 1)).toBe(3);
  });

  it("accepts only whole quantities 0..99 in the cart", () => {
    expect(parseQuantity("0")).toBe(0);
    expect(parseQuantity(" 12 ")).toBe(12);
    expect(parseQuantity("99")).toBe(99);
    for (const bad of ["", "100", "-1", "2.5", "1e1", "two"]) expect(parseQuantity(bad)).toBeNull();
  });
});

describe("generated product pictures", () => {
  it("are stable per SKU and show the product's initials", () => {
    expect(hueFor("MUG-1")).toBe(hueFor("MUG-1"));
    expect(hueFor("MUG-1")).not.toBe(hueFor("MUG-2"));
    expect(initials("Linen  shirt, blue")).toBe("LS");
    expect(initials("émaille mug")).toBe("ÉM");
  });

  it("cannot carry markup from a product name", () => {
    const svg = productArtSvg("X", "<script>alert(1)</script> & co");
    expect(svg).not.toContain("<script>");
    expect(svg).toContain(">SC</text>");
  });
});

describe("category names", () => {
  it("are shown capitalised", () => {
    expect(categoryLabel("coffee")).toBe("Coffee");
    expect(categoryLabel("")).toBe("");
  });
});

describe("stock notes and search queries", () => {
  it("notes what the stock cannot cover, and little stock left", () => {
    expect(stockNote(1, 3)).toBe("Only 1 left - you asked for 3");
    expect(stockNote(0, 1)).toBe("Out of stock");
    expect(stockNote(3, 2)).toBe("Only 3 left");
    expect(stockNote(5, 5)).toBe("Only 5 left");
    expect(stockNote(6, 2)).toBeNull();
  });

  it("sends a trimmed query with single spaces, and nothing for blanks", () => {
    expect(normalizeQuery("  earl \t grey ")).toBe("earl grey");
    expect(normalizeQuery("   ")).toBeNull();
  });
});

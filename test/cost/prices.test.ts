/** The price tables: every built-in table is complete and sourced; `--prices FILE` is validated, naming the bad entry. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_PRICE_TABLES, PRICE_IDS } from "../../policy/lib/cost/price-table";
import { parsePriceTable, readPriceTable } from "../../scripts/cost/prices-file";
import { priceBook } from "../../scripts/cost/run";

describe("built-in price tables", () => {
  it.each(Object.keys(BUILTIN_PRICE_TABLES))("%s passes the file schema, has every price the model uses, each with its AWS pricing page and date", (region) => {
    const table = parsePriceTable(structuredClone(BUILTIN_PRICE_TABLES[region]), region);
    expect(table.region).toBe(region);
    expect(Object.keys(table.prices).sort()).toEqual([...PRICE_IDS].sort());
    for (const [id, p] of Object.entries(table.prices)) {
      expect(p.source, id).toMatch(/^https:\/\/aws\.amazon\.com\/.+\/pricing\//);
      expect(p.read, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (!p.confirmed) expect(p.note, `${id} is unconfirmed and must say so`).toBeTruthy();
    }
  });
});

describe("--prices FILE", () => {
  const valid = () => structuredClone(BUILTIN_PRICE_TABLES["us-east-1"]!) as unknown as Record<string, any>;

  it("names each bad entry", () => {
    const t = valid();
    t.prices["vpc.natGateway.hour"].usd = "0.045";
    t.prices["kms.keyMonth"].source = "https://example.com/kms";
    t.prices["lambda.requestMillion"].read = "yesterday";
    expect(() => parsePriceTable(t, "new.json")).toThrow(
      [
        "price table new.json is invalid:",
        "  - prices.vpc.natGateway.hour.usd: Invalid input: expected number, received string",
        "  - prices.lambda.requestMillion.read: must be the date the price was read, YYYY-MM-DD",
        "  - prices.kms.keyMonth.source: must be an https://aws.amazon.com/<service>/pricing/ page",
      ].join("\n"),
    );
  });

  it("names the prices a table lacks", () => {
    const t = valid();
    delete t.prices["rds.proxy.serverlessV2.acuHour"];
    expect(() => parsePriceTable(t, "new.json")).toThrow("price table new.json lacks prices the model uses: prices.rds.proxy.serverlessV2.acuHour");
  });

  it("replaces the built-in table of its region and adds new regions", () => {
    const t = valid();
    t.prices["vpc.natGateway.hour"].usd = 0.09;
    const other = { ...valid(), region: "ap-southeast-2" };
    const dir = mkdtempSync(path.join(tmpdir(), "prices-"));
    writeFileSync(path.join(dir, "us.json"), JSON.stringify(t));
    writeFileSync(path.join(dir, "ap.json"), JSON.stringify(other));
    const book = priceBook([readPriceTable(path.join(dir, "us.json")), readPriceTable(path.join(dir, "ap.json"))]);
    expect(book["us-east-1"]!.prices["vpc.natGateway.hour"]!.usd).toBe(0.09);
    expect(book["ap-southeast-2"]!.region).toBe("ap-southeast-2");
    expect(book["eu-west-1"]).toBe(BUILTIN_PRICE_TABLES["eu-west-1"]);
    expect(() => readPriceTable(path.join(dir, "missing.json"))).toThrow(/^cannot read price table .*missing\.json/);
  });
});

/** Schema migrations: idempotent re-runs, safe concurrent runners, atomic failures. */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS, runMigrations } from "../../app/src/db/migrations";
import { startPostgres, type LocalPostgres } from "../../scripts/local/stores";
import { freePort } from "./support/ports";
import { mkdtempSync, chmodSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

let postgres: LocalPostgres;
let base: string;
const pools: pg.Pool[] = [];

async function freshPool(name: string, count = 1): Promise<pg.Pool[]> {
  await postgres.createDatabase(name);
  return Array.from({ length: count }, () => {
    const pool = new pg.Pool({ connectionString: postgres.url(name), max: 2 });
    pool.on("error", () => {}); // idle clients see the server shut down at the end
    pools.push(pool);
    return pool;
  });
}

beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), "shop-migrations-test-"));
  chmodSync(base, 0o755);
  postgres = await startPostgres({ dataDir: path.join(base, "pg"), port: await freePort(54320, 54339), persistent: false });
});
afterAll(async () => {
  for (const pool of pools) await pool.end();
  await postgres?.stop();
  rmSync(base, { recursive: true, force: true });
});

describe("runMigrations", () => {
  it("applies every migration once and nothing on a re-run", async () => {
    const [pool] = await freshPool("rerun");
    expect(await runMigrations(pool!)).toEqual({ applied: MIGRATIONS.map((m) => m.id) });
    expect(await runMigrations(pool!)).toEqual({ applied: [] });
    const tables = await pool!.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(["cart_checkouts", "idempotency_records", "order_lines", "orders", "products", "schema_migrations"]);
  });

  it("is safe when several runners start at once: each migration applied exactly once", async () => {
    const runners = await freshPool("concurrent", 6);
    const results = await Promise.all(runners.map((pool) => runMigrations(pool)));
    const applied = results.flatMap((r) => r.applied);
    expect(applied.sort()).toEqual(MIGRATIONS.map((m) => m.id).sort());
    const { rows } = await runners[0]!.query("SELECT id FROM schema_migrations");
    expect(rows).toHaveLength(MIGRATIONS.length);
  });

  it("rolls a failing migration back entirely and names it", async () => {
    const [pool] = await freshPool("failing");
    const broken = [...MIGRATIONS, { id: "0999_broken", sql: "CREATE TABLE half_done (id int); SELECT no_such_function();" }];
    await expect(runMigrations(pool!, broken)).rejects.toThrow(/0999_broken/);
    const recorded = await pool!.query("SELECT id FROM schema_migrations ORDER BY id");
    expect(recorded.rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    const half = await pool!.query("SELECT to_regclass('public.half_done') AS t");
    expect(half.rows[0].t).toBeNull();
    // The lock was released: a later run proceeds.
    expect(await runMigrations(pool!)).toEqual({ applied: [] });
  });
});

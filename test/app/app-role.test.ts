/**
 * The application role the API connects as, on real PostgreSQL: DML on the tables the API uses and
 * nothing else - no DDL, no owner-only or other roles' data, no other database - while what the owner
 * adds in a later migration (a function, a table) is usable by it through the default privileges.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_ROLE } from "../../app/src/db/roles";
import { startStack, type TestStack } from "./support/stack";

let stack: TestStack;
let owner: pg.Client;
const app = () => stack.database.writer;

beforeAll(async () => {
  stack = await startStack();
  owner = new pg.Client({ connectionString: stack.postgres.url() });
  await owner.connect();
});
afterAll(async () => {
  await owner?.end();
  await stack?.stop();
});

/** The SQLSTATE a statement run as the application role fails with. */
async function refusal(sql: string): Promise<string | undefined> {
  try {
    await app().query(sql);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

const INSUFFICIENT_PRIVILEGE = "42501";

describe("the application role", () => {
  it("is who the app's pools connect as, and holds no role attribute beyond LOGIN", async () => {
    const { rows } = await app().query(
      "SELECT current_user AS me, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user",
    );
    expect(rows[0]).toEqual({ me: APP_ROLE, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false });
  });

  it("reads and writes the tables the API uses", async () => {
    await app().query("INSERT INTO products (sku, name, price_cents, stock) VALUES ('role-1', 'Role test', 100, 5)");
    await app().query("UPDATE products SET stock = 4 WHERE sku = 'role-1'");
    const { rows } = await app().query("SELECT stock FROM products WHERE sku = 'role-1'");
    expect(rows[0].stock).toBe(4);
  });

  it.each([
    ["create a table", "CREATE TABLE intruder (id int)"],
    ["create a temporary table", "CREATE TEMP TABLE intruder (id int)"],
    ["create a schema", "CREATE SCHEMA intruder"],
    ["create a function", "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'"],
    ["create a role", "CREATE ROLE intruder"],
    ["create a database", "CREATE DATABASE intruder"],
    ["alter a table", "ALTER TABLE products ADD COLUMN intruder int"],
    ["drop a table", "DROP TABLE orders"],
    ["truncate a table", "TRUNCATE order_lines"],
    ["delete orders", "DELETE FROM orders"],
    ["read the migration record", "SELECT * FROM schema_migrations"],
    ["write the migration record", "INSERT INTO schema_migrations (id) VALUES ('9999_forged')"],
    ["read the roles' password hashes", "SELECT rolpassword FROM pg_authid"],
    ["give itself a role attribute", "ALTER ROLE shop_app CREATEDB"],
  ])("cannot %s", async (_what, sql) => {
    expect(await refusal(sql)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it("cannot read another role's table", async () => {
    await owner.query("CREATE ROLE other_team");
    await owner.query("CREATE SCHEMA other_team AUTHORIZATION other_team");
    await owner.query("SET ROLE other_team; CREATE TABLE other_team.secrets (v text); INSERT INTO other_team.secrets VALUES ('x'); RESET ROLE");
    expect(await refusal("SELECT * FROM other_team.secrets")).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it("cannot connect to another database", async () => {
    await stack.postgres.createDatabase("other_db");
    // A database created after the migration: PUBLIC keeps CONNECT there, and the owner revokes it
    // the way migration 0003 does for the databases that existed.
    await owner.query("REVOKE CONNECT, TEMPORARY ON DATABASE other_db FROM PUBLIC");
    const client = new pg.Client({ connectionString: new URL("/postgres", appUrl()).toString() });
    await expect(client.connect()).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
    const other = new pg.Client({ connectionString: new URL("/other_db", appUrl()).toString() });
    await expect(other.connect()).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
  });

  it("can call a function and use a table the owner adds in a later migration", async () => {
    await owner.query("CREATE TABLE later_table (id int PRIMARY KEY)");
    await owner.query("CREATE FUNCTION later_fn(n int) RETURNS int LANGUAGE sql AS 'SELECT n + 1'");
    await app().query("INSERT INTO later_table VALUES (1)");
    expect((await app().query("SELECT later_fn(1) AS v")).rows[0].v).toBe(2);
    // Tables get no DELETE by default: a migration grants it where the API needs it.
    expect(await refusal("DELETE FROM later_table")).toBe(INSUFFICIENT_PRIVILEGE);
  });
});

function appUrl(): string {
  return (stack.database.writer.options as { connectionString: string }).connectionString;
}

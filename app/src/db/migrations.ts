/**
 * Versioned schema migrations. Each migration runs once, in its own
 * transaction, recorded in `schema_migrations`. A session-level advisory lock
 * serialises concurrent runners (several containers, or the deploy-time
 * invocation racing a cold start): the second waits, then finds nothing to do.
 * Append new migrations; never edit an applied one.
 */
import type pg from "pg";

export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: "0001_catalog_orders_idempotency",
    sql: `
      CREATE TABLE products (
        sku          text COLLATE "C" PRIMARY KEY CHECK (sku ~ '^[A-Za-z0-9._-]{1,64}$'),
        name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description  text NOT NULL DEFAULT '',
        category     text NOT NULL DEFAULT 'general',
        price_cents  bigint NOT NULL CHECK (price_cents >= 0),
        currency     char(3) NOT NULL DEFAULT 'USD',
        stock        integer NOT NULL CHECK (stock >= 0),
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX products_category_sku ON products (category, sku);

      CREATE TABLE orders (
        id           uuid PRIMARY KEY,
        session_id   text NOT NULL,
        email        text NOT NULL,
        status       text NOT NULL CHECK (status IN ('confirmed')),
        total_cents  bigint NOT NULL CHECK (total_cents >= 0),
        currency     char(3) NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX orders_session_id ON orders (session_id);

      CREATE TABLE order_lines (
        order_id     uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line_no      integer NOT NULL,
        sku          text NOT NULL REFERENCES products (sku),
        name         text NOT NULL,
        quantity     integer NOT NULL CHECK (quantity > 0),
        price_cents  bigint NOT NULL CHECK (price_cents >= 0),
        PRIMARY KEY (order_id, line_no)
      );

      -- One row per (scope, key): inserted first in the checkout transaction, so a
      -- concurrent duplicate blocks on the primary key and then replays the result.
      CREATE TABLE idempotency_records (
        scope          text NOT NULL,
        key            text NOT NULL,
        request_hash   text NOT NULL,
        status_code    integer,
        response_body  jsonb,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      );
    `,
  },
  {
    id: "0002_versions_search_cart_claims",
    sql: `
      -- The product's version (its ETag): every UPDATE of a row bumps it, whoever
      -- writes it (admin PUT/PATCH, checkout), so no writer can forget to.
      ALTER TABLE products ADD COLUMN version bigint NOT NULL DEFAULT 1;
      CREATE FUNCTION products_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.version := OLD.version + 1;
          RETURN NEW;
        END
      $$;
      CREATE TRIGGER products_version BEFORE UPDATE ON products
        FOR EACH ROW EXECUTE FUNCTION products_bump_version();

      -- Full-text search over name (weight A), category (B) and description (C).
      ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', name), 'A') ||
        setweight(to_tsvector('english', replace(category, '-', ' ')), 'B') ||
        setweight(to_tsvector('english', description), 'C')
      ) STORED;
      CREATE INDEX products_search ON products USING gin (search);

      -- One row per checked-out cart state (session + the cart's revision, a
      -- random id the sessions table gives every write), inserted first in the
      -- checkout transaction: a second checkout of the same cart, under any
      -- Idempotency-Key, blocks on the primary key and then finds it ordered.
      CREATE TABLE cart_checkouts (
        session_id     text NOT NULL,
        cart_revision  text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, cart_revision)
      );
    `,
  },
  {
    // The application role: DML on the tables the API uses, no DDL, no other schema or database.
    // The owner's default privileges make what later migrations create usable by it (functions:
    // EXECUTE; sequences: USAGE, SELECT; tables: SELECT, INSERT, UPDATE); a later migration grants
    // anything beyond that (e.g. DELETE) or revokes from an owner-only table (docs/infra.md).
    id: "0003_application_role",
    sql: `
      DO $$
      BEGIN
        CREATE ROLE shop_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
      EXCEPTION
        -- Roles are cluster-wide: another database's migration (or an earlier attempt) made it.
        WHEN duplicate_object OR unique_violation THEN
          ALTER ROLE shop_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
      END
      $$;

      -- This database: connect, but no temporary tables; everyone else's PUBLIC rights go too.
      DO $$
      DECLARE other record;
      BEGIN
        EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO shop_app', current_database());
        -- Other databases: PUBLIC may connect by default. Revoke where the owner may (locally every
        -- one; on Aurora those the master user owns); the rest grant shop_app nothing but CONNECT.
        FOR other IN
          SELECT datname FROM pg_database
          WHERE datname <> current_database() AND datallowconn AND pg_has_role(current_user, datdba, 'USAGE')
        LOOP
          EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', other.datname);
        END LOOP;
      END
      $$;

      -- Schema: use, never create (PostgreSQL 15+ already withholds CREATE from PUBLIC; 16 and 17 run here).
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      GRANT USAGE ON SCHEMA public TO shop_app;

      GRANT SELECT, INSERT, UPDATE ON products TO shop_app;
      GRANT SELECT, INSERT ON orders, order_lines, cart_checkouts TO shop_app;
      GRANT SELECT, INSERT, UPDATE ON idempotency_records TO shop_app;
      -- schema_migrations stays the owner's.

      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO shop_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO shop_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO shop_app;
    `,
  },
];

/** Arbitrary constant shared by every runner: the advisory lock key for migrations. */
export const MIGRATION_LOCK_KEY = 727_311_001;

export interface MigrationResult {
  applied: string[];
}

export async function runMigrations(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           id text PRIMARY KEY,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const done = new Set((await client.query<{ id: string }>("SELECT id FROM schema_migrations")).rows.map((r) => r.id));
      const applied: string[] = [];
      for (const migration of migrations) {
        if (done.has(migration.id)) continue;
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query("INSERT INTO schema_migrations (id) VALUES ($1)", [migration.id]);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw new Error(`migration ${migration.id} failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(migration.id);
      }
      return { applied };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    client.release(broken);
  }
}

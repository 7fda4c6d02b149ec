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
  {
    id: "0004_checkout_function",
    sql: `
      -- Sets lock_timeout for the next lock wait of this transaction: the
      -- configured wait, cut to what is left of the call's time budget, so the
      -- server ends a stuck call (55P03, or 57014 once the budget is spent)
      -- before the client stops waiting for it.
      CREATE FUNCTION checkout_lock_wait(deadline timestamptz, lock_wait_ms integer) RETURNS void
      LANGUAGE plpgsql AS $$
        DECLARE
          left_ms integer := floor(extract(epoch FROM deadline - clock_timestamp()) * 1000);
        BEGIN
          IF left_ms <= 0 THEN
            RAISE EXCEPTION 'checkout ran out of time' USING ERRCODE = 'query_canceled';
          END IF;
          PERFORM set_config('lock_timeout', least(lock_wait_ms, left_ms)::text, true);
        END
      $$;

      -- A whole checkout in one call (one round trip, one transaction: any
      -- RAISE rolls back every write of it). Steps and outcomes are those of
      -- app/src/orders/checkout.ts, which maps the SQLSTATEs of class SC:
      --   SC001 key in flight elsewhere   SC002 key used for another request
      --   SC003 cart empty                SC004 this cart state already ordered
      --   SC005 a line short of stock     SC006 the cart mixes currencies
      --   SC007 total differs from the one the client confirmed
      -- (DETAIL: a JSON object with the figures for the message). Returns
      -- {replayed, status, body}; the body is also stored for replays.
      CREATE FUNCTION place_order(
        p_session_id text, p_idempotency_key text, p_request_hash text, p_cart_revision text,
        p_skus text[], p_quantities integer[], p_email text, p_expected_total_cents bigint,
        p_order_id uuid, p_lock_wait_ms integer, p_budget_ms integer
      ) RETURNS jsonb LANGUAGE plpgsql AS $$
        DECLARE
          deadline timestamptz := clock_timestamp() + make_interval(secs => p_budget_ms / 1000.0);
          claimed integer;
          rec record;
          line record;
          line_name text;
          line_price bigint;
          line_currency text;
          order_currency text;
          mixed boolean := false;
          total bigint := 0;
          items jsonb := '[]';
          created timestamptz;
          body jsonb;
        BEGIN
          -- 1. The Idempotency-Key: a duplicate in flight holds the row; waiting
          -- for it past the lock wait means "still being processed".
          PERFORM checkout_lock_wait(deadline, p_lock_wait_ms);
          BEGIN
            INSERT INTO idempotency_records (scope, key, request_hash) VALUES (p_session_id, p_idempotency_key, p_request_hash)
              ON CONFLICT (scope, key) DO NOTHING;
            GET DIAGNOSTICS claimed = ROW_COUNT;
          EXCEPTION WHEN lock_not_available THEN
            RAISE EXCEPTION 'idempotency key in progress' USING ERRCODE = 'SC001';
          END;
          IF claimed = 0 THEN
            SELECT request_hash, status_code, response_body INTO rec
              FROM idempotency_records WHERE scope = p_session_id AND key = p_idempotency_key;
            IF NOT FOUND OR rec.status_code IS NULL THEN
              RAISE EXCEPTION 'idempotency key in progress' USING ERRCODE = 'SC001';
            END IF;
            IF rec.request_hash <> p_request_hash THEN
              RAISE EXCEPTION 'idempotency key reused' USING ERRCODE = 'SC002';
            END IF;
            RETURN jsonb_build_object('replayed', true, 'status', rec.status_code, 'body', rec.response_body);
          END IF;

          -- 2. The cart state: one state, at most one order.
          IF coalesce(cardinality(p_skus), 0) = 0 THEN
            RAISE EXCEPTION 'cart empty' USING ERRCODE = 'SC003';
          END IF;
          PERFORM checkout_lock_wait(deadline, p_lock_wait_ms);
          INSERT INTO cart_checkouts (session_id, cart_revision) VALUES (p_session_id, p_cart_revision)
            ON CONFLICT (session_id, cart_revision) DO NOTHING;
          GET DIAGNOSTICS claimed = ROW_COUNT;
          IF claimed = 0 THEN
            RAISE EXCEPTION 'cart already ordered' USING ERRCODE = 'SC004';
          END IF;

          -- 3. Stock, line by line in SKU order (byte order, as products.sku
          -- collates): every checkout locks rows in the same order, no deadlocks.
          FOR line IN
            SELECT l.sku, l.quantity FROM unnest(p_skus, p_quantities) AS l(sku, quantity) ORDER BY l.sku COLLATE "C"
          LOOP
            PERFORM checkout_lock_wait(deadline, p_lock_wait_ms);
            UPDATE products SET stock = stock - line.quantity, updated_at = now()
             WHERE sku = line.sku AND stock >= line.quantity
            RETURNING name, price_cents, currency INTO line_name, line_price, line_currency;
            IF NOT FOUND THEN
              RAISE EXCEPTION 'insufficient stock' USING ERRCODE = 'SC005',
                DETAIL = jsonb_build_object('sku', line.sku, 'quantity', line.quantity)::text;
            END IF;
            order_currency := coalesce(order_currency, line_currency);
            mixed := mixed OR line_currency <> order_currency;
            items := items || jsonb_build_object('sku', line.sku, 'name', line_name, 'quantity', line.quantity,
              'priceCents', line_price, 'lineTotalCents', line_price * line.quantity);
            total := total + line_price * line.quantity;
          END LOOP;
          IF mixed THEN
            RAISE EXCEPTION 'mixed currencies' USING ERRCODE = 'SC006';
          END IF;
          IF p_expected_total_cents IS NOT NULL AND p_expected_total_cents <> total THEN
            RAISE EXCEPTION 'cart changed' USING ERRCODE = 'SC007',
              DETAIL = jsonb_build_object('totalCents', total, 'expectedTotalCents', p_expected_total_cents)::text;
          END IF;

          -- 4. The order at the prices read under the row locks, and its stored response.
          INSERT INTO orders (id, session_id, email, status, total_cents, currency)
            VALUES (p_order_id, p_session_id, p_email, 'confirmed', total, order_currency)
            RETURNING created_at INTO created;
          INSERT INTO order_lines (order_id, line_no, sku, name, quantity, price_cents)
            SELECT p_order_id, n, i->>'sku', i->>'name', (i->>'quantity')::integer, (i->>'priceCents')::bigint
              FROM jsonb_array_elements(items) WITH ORDINALITY AS t(i, n);
          body := jsonb_build_object('id', p_order_id, 'status', 'confirmed', 'email', p_email, 'items', items,
            'totalCents', total, 'currency', order_currency,
            'createdAt', to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
          UPDATE idempotency_records SET status_code = 201, response_body = body
           WHERE scope = p_session_id AND key = p_idempotency_key;
          RETURN jsonb_build_object('replayed', false, 'status', 201, 'body', body);
        END
      $$;
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

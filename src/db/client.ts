/**
 * Opens the database: postgres.js against a server when a URL is given, otherwise PGlite
 * (Postgres compiled to WebAssembly) stored under the data directory, so the bot runs on a
 * laptop with no database server at all. Both speak the same SQL and the same migrations.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { DatabaseUnavailableError } from "./availability.js";
import * as schema from "./schema.js";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseLocation =
  | { readonly kind: "postgres"; readonly url: string }
  | { readonly kind: "pglite"; readonly dataDir: string }
  | { readonly kind: "memory" };

export interface DatabaseHandle {
  readonly db: Database;
  readonly backend: "postgres" | "pglite";
  /** Applies pending migrations from `migrations/`; safe to call on every start. */
  migrate(): Promise<void>;
  /** Cheap liveness check for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Fault injection for tests of the embedded database (a server can be cut off from outside
   * instead): every query fails like a lost connection for `ms`.
   */
  injectOutage?(ms: number): void;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));

export function openDatabase(location: DatabaseLocation): DatabaseHandle {
  if (location.kind === "postgres") {
    // A connection attempt into a dead network fails within 10 s instead of postgres.js's 30.
    const client = postgres(location.url, { max: 10, connect_timeout: 10, onnotice: () => undefined });
    const db = drizzlePostgres(client, { schema });
    return {
      db,
      backend: "postgres",
      migrate: () => migratePostgres(db, { migrationsFolder: MIGRATIONS_FOLDER }),
      ping: async () => void (await client`select 1`),
      close: () => client.end({ timeout: 5 }),
    };
  }
  let dataDir: string | undefined;
  if (location.kind === "pglite") {
    mkdirSync(location.dataDir, { recursive: true });
    dataDir = join(location.dataDir, "pglite");
  }
  const client = new PGlite(dataDir);
  const db = drizzlePglite(client, { schema });
  let outageUntil = 0;
  for (const method of ["query", "exec", "transaction"] as const) {
    const original = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(client, {
      [method]: (...args: unknown[]) =>
        Date.now() < outageUntil ? Promise.reject(new DatabaseUnavailableError()) : original(...args),
    });
  }
  return {
    db,
    backend: "pglite",
    injectOutage: (ms) => {
      outageUntil = Date.now() + ms;
    },
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: async () => void (await client.query("select 1")),
    close: () => client.close(),
  };
}

export function locationFromConfig(database: { url?: string; dataDir: string }): DatabaseLocation {
  return database.url
    ? { kind: "postgres", url: database.url }
    : { kind: "pglite", dataDir: database.dataDir };
}

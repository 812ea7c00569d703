/**
 * Database suites run on every backend available: always an in-memory PGlite, and also a
 * real Postgres when DATABASE_URL is set (as CI does). Each Postgres suite gets a fresh,
 * randomly named database so test files can run in parallel.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "../../src/db/client.js";

export interface TestBackend {
  readonly name: "pglite" | "postgres";
  /** Opens a new, empty database (not yet migrated). */
  open(): Promise<DatabaseHandle>;
}

const pglite: TestBackend = {
  name: "pglite",
  open: async () => openDatabase({ kind: "memory" }),
};

/** A new, randomly named database on the server of `adminUrl`, and how to drop it again. */
export async function scratchPostgresDatabase(
  adminUrl: string,
  prefix = "bunqbot_test",
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

function postgresBackend(adminUrl: string): TestBackend {
  return {
    name: "postgres",
    async open() {
      const scratch = await scratchPostgresDatabase(adminUrl);
      const handle = openDatabase({ kind: "postgres", url: scratch.url });
      return {
        ...handle,
        async close() {
          await handle.close();
          await scratch.drop();
        },
      };
    },
  };
}

export const testBackends: readonly TestBackend[] = process.env.DATABASE_URL
  ? [pglite, postgresBackend(process.env.DATABASE_URL)]
  : [pglite];

/** Opens and migrates a database on the given backend. */
export async function openMigrated(backend: TestBackend): Promise<DatabaseHandle> {
  const handle = await backend.open();
  await handle.migrate();
  return handle;
}

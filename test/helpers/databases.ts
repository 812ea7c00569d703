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

function postgresBackend(adminUrl: string): TestBackend {
  return {
    name: "postgres",
    async open() {
      const name = `bunqbot_test_${randomBytes(6).toString("hex")}`;
      const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      await admin.unsafe(`create database ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const handle = openDatabase({ kind: "postgres", url: url.toString() });
      return {
        ...handle,
        async close() {
          await handle.close();
          const cleanup = postgres(adminUrl, { max: 1, onnotice: () => undefined });
          await cleanup.unsafe(`drop database if exists ${name} with (force)`);
          await cleanup.end();
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

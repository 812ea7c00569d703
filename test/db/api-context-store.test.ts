import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ApiContextState } from "../../src/bunq/context-store.js";
import { DatabaseApiContextStore } from "../../src/db/api-context-store.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { DecryptionError } from "../../src/db/crypto.js";
import { bunqApiContexts } from "../../src/db/schema.js";
import { openMigrated, testBackends } from "../helpers/databases.js";
import { testKeyring } from "../helpers/keys.js";

const state: ApiContextState = {
  principal: "connection:42",
  environment: "sandbox",
  secret: "oauth-access-token-0123456789abcdef",
  privateKeyPem: "-----BEGIN PRIVATE KEY-----\nPRIVATEKEYBYTES\n-----END PRIVATE KEY-----\n",
  publicKeyPem: "-----BEGIN PUBLIC KEY-----\nPUBLIC\n-----END PUBLIC KEY-----\n",
  installationToken: "installation-token-fedcba9876543210",
  serverPublicKeyPem: "-----BEGIN PUBLIC KEY-----\nSERVER\n-----END PUBLIC KEY-----\n",
  deviceServerId: 7,
  session: {
    id: 11,
    token: "session-token-0011223344",
    userId: 1234,
    expiresAt: new Date("2030-01-01T00:00:00Z"),
  },
};

describe.each(testBackends)("API context store on $name", (backend) => {
  let handle: DatabaseHandle;
  const keyring = testKeyring("k1");
  beforeAll(async () => {
    handle = await openMigrated(backend);
  });
  afterAll(async () => handle.close());

  it("round-trips a context, session included", async () => {
    const store = new DatabaseApiContextStore(handle.db, keyring);
    await store.save(state);
    expect(await store.load("connection:42")).toEqual(state);
    await store.save({ ...state, session: undefined });
    expect((await store.load("connection:42"))?.session).toBeUndefined();
    await store.save(state);
  });

  it("stores no secret in clear", async () => {
    const [row] = await handle.db
      .select()
      .from(bunqApiContexts)
      .where(eq(bunqApiContexts.principal, "connection:42"));
    const raw = JSON.stringify(row);
    for (const secret of [state.secret, "PRIVATEKEYBYTES", state.installationToken, state.session!.token]) {
      expect(raw).not.toContain(secret);
    }
    expect(row?.publicKeyPem).toBe(state.publicKeyPem);
  });

  it("keeps bunq's server key only bound to its row", async () => {
    const [row] = await handle.db
      .select()
      .from(bunqApiContexts)
      .where(eq(bunqApiContexts.principal, "connection:42"));
    expect(row?.serverPublicKeyPem).toBeNull();
    expect(row?.serverPublicKeyEncrypted).toMatch(/^v1\.k1\./);
    expect(row?.serverPublicKeyEncrypted).not.toContain("SERVER");
  });

  it("refuses a context whose ciphertexts were copied to another principal", async () => {
    const [row] = await handle.db
      .select()
      .from(bunqApiContexts)
      .where(eq(bunqApiContexts.principal, "connection:42"));
    await handle.db.insert(bunqApiContexts).values({ ...row!, principal: "connection:99" });
    await expect(new DatabaseApiContextStore(handle.db, keyring).load("connection:99")).rejects.toThrow(
      DecryptionError,
    );
  });

  it("deletes a context", async () => {
    const store = new DatabaseApiContextStore(handle.db, keyring);
    await store.delete("connection:42");
    expect(await store.load("connection:42")).toBeUndefined();
  });

  describe("a row whose server key was edited", () => {
    const FORGED = "-----BEGIN PUBLIC KEY-----\nFORGED\n-----END PUBLIC KEY-----\n";
    const other: ApiContextState = {
      ...state,
      principal: "connection:43",
      serverPublicKeyPem: "-----BEGIN PUBLIC KEY-----\nOTHER\n-----END PUBLIC KEY-----\n",
    };
    const store = () => new DatabaseApiContextStore(handle.db, keyring);
    const edit = (set: Partial<typeof bunqApiContexts.$inferInsert>) =>
      handle.db.update(bunqApiContexts).set(set).where(eq(bunqApiContexts.principal, "connection:42"));
    const stored = async (principal: string) =>
      (await handle.db.select().from(bunqApiContexts).where(eq(bunqApiContexts.principal, principal)))[0]!;

    beforeEach(async () => {
      await store().save(state);
      await store().save(other);
    });

    it("fails to load when another PEM is written over it", async () => {
      await edit({ serverPublicKeyEncrypted: FORGED });
      await expect(store().load("connection:42")).rejects.toThrow(DecryptionError);
    });

    it("fails to load when another row's server key envelope is copied in", async () => {
      await edit({ serverPublicKeyEncrypted: (await stored("connection:43")).serverPublicKeyEncrypted });
      await expect(store().load("connection:42")).rejects.toThrow(DecryptionError);
    });

    it("fails to load when another of its own envelopes is copied in", async () => {
      await edit({ serverPublicKeyEncrypted: (await stored("connection:42")).installationTokenEncrypted });
      await expect(store().load("connection:42")).rejects.toThrow(DecryptionError);
    });

    it("is not trusted in clear: the context counts as missing and is made anew", async () => {
      await edit({ serverPublicKeyEncrypted: null, serverPublicKeyPem: FORGED });
      expect(await store().load("connection:42")).toBeUndefined();
    });
  });
});

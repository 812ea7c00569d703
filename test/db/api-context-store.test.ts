import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});

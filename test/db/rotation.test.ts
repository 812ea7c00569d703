import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DatabaseApiContextStore } from "../../src/db/api-context-store.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { Keyring } from "../../src/db/crypto.js";
import { binding } from "../../src/db/encrypted-columns.js";
import { reencryptAll, type RotationTarget } from "../../src/db/rotate.js";
import { bunqApiContexts, bunqConnections, telegramChats } from "../../src/db/schema.js";
import { openMigrated, testBackends } from "../helpers/databases.js";
import { randomKey } from "../helpers/keys.js";

describe.each(testBackends)("key rotation on $name", (backend) => {
  let handle: DatabaseHandle;
  const oldKey = randomKey("2025");
  const newKey = randomKey("2026");
  beforeAll(async () => {
    handle = await openMigrated(backend);
    const before = new Keyring([oldKey]);
    await new DatabaseApiContextStore(handle.db, before).save({
      principal: "provider",
      environment: "sandbox",
      secret: "provider-api-key",
      privateKeyPem: "private",
      publicKeyPem: "public",
      installationToken: "installation",
      serverPublicKeyPem: "server",
    });
    await handle.db.insert(telegramChats).values({ chatId: 5, type: "private" });
    await handle.db.insert(bunqConnections).values({
      chatId: 5,
      environment: "sandbox",
      bunqUserId: 1,
      displayName: "Ann",
      accessTokenEncrypted: before.encrypt("access-token", binding("bunqConnections", 5, "access_token")),
    });
  });
  afterAll(async () => handle.close());

  async function keyIds(): Promise<string[]> {
    const contexts = await handle.db.select().from(bunqApiContexts);
    const connections = await handle.db.select().from(bunqConnections);
    return [
      ...contexts.flatMap((row) => [
        row.secretEncrypted,
        row.privateKeyEncrypted,
        row.installationTokenEncrypted,
        row.serverPublicKeyEncrypted!,
      ]),
      ...connections.map((row) => row.accessTokenEncrypted!),
    ].map((envelope) => Keyring.keyIdOf(envelope)!);
  }

  it("old values decrypt with the new keyring before rotation", async () => {
    const both = new Keyring([oldKey, newKey]);
    expect((await new DatabaseApiContextStore(handle.db, both).load("provider"))?.secret).toBe(
      "provider-api-key",
    );
    expect(new Set(await keyIds())).toEqual(new Set(["2025"]));
  });

  it("re-encrypts every secret under the newest key, after which the old key can go", async () => {
    const report = await reencryptAll(handle.db, new Keyring([oldKey, newKey]));
    expect(report.reencrypted["bunq_api_contexts.secret"]).toBe(1);
    expect(report.reencrypted["bunq_connections.access_token"]).toBe(1);
    expect(report.reencrypted["bunq_api_contexts.server_public_key"]).toBe(1);
    expect(new Set(await keyIds())).toEqual(new Set(["2026"]));
    const newOnly = new Keyring([newKey]);
    expect((await new DatabaseApiContextStore(handle.db, newOnly).load("provider"))?.privateKeyPem).toBe(
      "private",
    );
    const again = await reencryptAll(handle.db, newOnly);
    expect(Object.values(again.reencrypted).every((count) => count === 0)).toBe(true);
  });
});

describe.each(testBackends)("key rotation while the bot writes, on $name", (backend) => {
  let handle: DatabaseHandle;
  const oldKey = randomKey("2025");
  const newKey = randomKey("2026");
  const where = binding("bunqConnections", 5, "access_token");
  beforeEach(async () => {
    handle = await openMigrated(backend);
    await handle.db.insert(telegramChats).values({ chatId: 5, type: "private" });
    await handle.db.insert(bunqConnections).values({
      chatId: 5,
      environment: "sandbox",
      bunqUserId: 1,
      displayName: "Ann",
      accessTokenEncrypted: new Keyring([oldKey]).encrypt("old-access-token", where),
    });
  });
  afterEach(async () => handle.close());

  /** A reconnect that stores a new token between the rotation's read and its write. */
  function reconnectDuringRotation(writer: Keyring) {
    const writes: string[] = [];
    return {
      writes,
      async beforeWrite(target: RotationTarget) {
        if (target.table !== "bunq_connections" || writes.length > 0) return;
        writes.push(target.row);
        await handle.db
          .update(bunqConnections)
          .set({ accessTokenEncrypted: writer.encrypt("token-from-reconnect", where) })
          .where(eq(bunqConnections.chatId, 5));
      },
    };
  }

  async function storedToken(): Promise<{ keyId: string | undefined; token: string }> {
    const [row] = await handle.db.select().from(bunqConnections);
    return {
      keyId: Keyring.keyIdOf(row!.accessTokenEncrypted!),
      token: new Keyring([oldKey, newKey]).decrypt(row!.accessTokenEncrypted!, where),
    };
  }

  it("keeps a token written meanwhile with the newest key instead of restoring the old one", async () => {
    const both = new Keyring([oldKey, newKey]);
    const reconnect = reconnectDuringRotation(both);
    const report = await reencryptAll(handle.db, both, reconnect);
    expect(reconnect.writes).toEqual(["5"]);
    expect(await storedToken()).toEqual({ keyId: "2026", token: "token-from-reconnect" });
    expect(report.reencrypted["bunq_connections.access_token"]).toBe(0);
  });

  it("re-encrypts a token written meanwhile with the old key (a process not yet restarted)", async () => {
    const reconnect = reconnectDuringRotation(new Keyring([oldKey]));
    const report = await reencryptAll(handle.db, new Keyring([oldKey, newKey]), reconnect);
    expect(reconnect.writes).toEqual(["5"]);
    expect(await storedToken()).toEqual({ keyId: "2026", token: "token-from-reconnect" });
    expect(report.reencrypted["bunq_connections.access_token"]).toBe(1);
  });
});

describe.each(testBackends)("binding server keys stored in clear, on $name", (backend) => {
  let handle: DatabaseHandle;
  const keyring = new Keyring([randomKey("k1")]);
  beforeAll(async () => {
    handle = await openMigrated(backend);
  });
  afterAll(async () => handle.close());

  it("binds a context written before server keys were bound, after which it loads again", async () => {
    const store = new DatabaseApiContextStore(handle.db, keyring);
    await store.save({
      principal: "provider",
      environment: "sandbox",
      secret: "provider-api-key",
      privateKeyPem: "private",
      publicKeyPem: "public",
      installationToken: "installation",
      serverPublicKeyPem: "bunq's server key",
      deviceServerId: 3,
    });
    // What an older version left: the server key in clear only.
    await handle.db
      .update(bunqApiContexts)
      .set({ serverPublicKeyEncrypted: null, serverPublicKeyPem: "bunq's server key" });
    expect(await store.load("provider")).toBeUndefined();

    const report = await reencryptAll(handle.db, keyring);
    expect(report.legacyContextsBound).toBe(1);
    expect((await store.load("provider"))?.serverPublicKeyPem).toBe("bunq's server key");
    const [row] = await handle.db.select().from(bunqApiContexts);
    expect(row?.serverPublicKeyPem).toBeNull();
    expect((await reencryptAll(handle.db, keyring)).legacyContextsBound).toBe(0);
  });
});

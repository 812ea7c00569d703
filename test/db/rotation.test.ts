import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseApiContextStore } from "../../src/db/api-context-store.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { Keyring } from "../../src/db/crypto.js";
import { binding } from "../../src/db/encrypted-columns.js";
import { reencryptAll } from "../../src/db/rotate.js";
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
      ]),
      ...connections.map((row) => row.accessTokenEncrypted),
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
    expect(new Set(await keyIds())).toEqual(new Set(["2026"]));
    const newOnly = new Keyring([newKey]);
    expect((await new DatabaseApiContextStore(handle.db, newOnly).load("provider"))?.privateKeyPem).toBe(
      "private",
    );
    const again = await reencryptAll(handle.db, newOnly);
    expect(Object.values(again.reencrypted).every((count) => count === 0)).toBe(true);
  });
});

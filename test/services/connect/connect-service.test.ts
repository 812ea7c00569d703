/** Races the browser can cause: the callback or Confirm submitted twice at once. */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectNoticeText } from "../../../src/bot/messages/connect.js";
import type { DatabaseHandle } from "../../../src/db/client.js";
import { Keyring } from "../../../src/db/crypto.js";
import { bunqConnections } from "../../../src/db/schema.js";
import { rememberChat } from "../../../src/services/chats.js";
import { ConnectService } from "../../../src/services/connect/connect-service.js";
import { fakeOAuth, GOOD_CODE } from "../../bot/harness.js";
import { openMigrated, testBackends } from "../../helpers/databases.js";
import { testAuditTrail } from "../../helpers/keys.js";

describe.each(testBackends)("ConnectService on $name", (backend) => {
  let database: DatabaseHandle;
  let told: string[];
  let service: ConnectService;
  beforeEach(async () => {
    database = await openMigrated(backend);
    told = [];
    service = new ConnectService({
      db: database.db,
      keyring: new Keyring([{ id: "k", key: randomBytes(32) }]),
      audit: testAuditTrail(),
      oauth: fakeOAuth,
      environment: "sandbox",
      redirectUri: "http://127.0.0.1/oauth/callback",
      notify: async (_chatId, notice) => {
        told.push(connectNoticeText(notice));
      },
    });
    await rememberChat(database.db, { chatId: 7, type: "private", firstName: "Ann" });
  });
  afterEach(() => database.close());

  it("accepts a state once even when the callback arrives twice at the same time", async () => {
    const { url } = await service.start(7, 7);
    const state = new URL(url).searchParams.get("state")!;
    const outcomes = await Promise.all([
      service.handleCallback({ state, code: GOOD_CODE }),
      service.handleCallback({ state, code: GOOD_CODE }),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["confirm", "invalid"]);
  });

  it("stores one connection and tells the chat once when Confirm is sent twice", async () => {
    const { url } = await service.start(7, 7);
    const state = new URL(url).searchParams.get("state")!;
    const prepared = await service.handleCallback({ state, code: GOOD_CODE });
    if (prepared.kind !== "confirm") throw new Error(`unexpected ${prepared.kind}`);
    const outcomes = await Promise.all([
      service.confirm({ state, csrf: prepared.csrfToken }),
      service.confirm({ state, csrf: prepared.csrfToken }),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["connected", "invalid"]);
    expect(await database.db.select().from(bunqConnections)).toHaveLength(1);
    expect(told).toEqual(["Connected: Alice Bunq, 2 accounts"]);
  });

  it("/cancel makes the link unusable", async () => {
    const { url } = await service.start(7, 7);
    expect(await service.cancel(7)).toBe(true);
    const outcome = await service.handleCallback({
      state: new URL(url).searchParams.get("state")!,
      code: GOOD_CODE,
    });
    expect(outcome.kind).toBe("invalid");
    expect(await service.cancel(7)).toBe(false);
  });
});

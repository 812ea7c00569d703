import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { DatabaseHandle } from "../../src/db/client.js";
import { bunqConnections } from "../../src/db/schema.js";
import { createLogger } from "../../src/logger.js";
import type { BunqContexts } from "../../src/services/bunq-contexts.js";
import { CallbackRegistration } from "../../src/services/notifications/registration.js";
import { NotificationSettingsStore } from "../../src/services/notifications/settings.js";
import { bunqCallbackPrefix } from "../../src/services/provider-setup.js";
import { connectChat } from "../helpers/callbacks.js";
import { openMigrated, testBackends } from "../helpers/databases.js";

const config = (env: Record<string, string>) =>
  loadConfig({ TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", PORT: "3000", ...env });

describe("where bunq's callbacks go", () => {
  it("needs PUBLIC_BASE_URL to reach real bunq: without it there is no callback URL", () => {
    expect(bunqCallbackPrefix(config({}))).toBeUndefined();
    expect(bunqCallbackPrefix(config({ PUBLIC_BASE_URL: "https://bot.example" }))).toBe(
      "https://bot.example/bunq/callback/",
    );
  });

  it("uses the local server when bunq is the emulator on this machine (demo, tests)", () => {
    expect(bunqCallbackPrefix(config({ BUNQ_API_BASE_URL: "http://127.0.0.1:4010/v1" }))).toBe(
      "http://127.0.0.1:3000/bunq/callback/",
    );
  });
});

describe.each(testBackends)("callback registration without a callback URL on $name", (backend) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(backend);
  });
  afterAll(async () => {
    await handle.close();
  });

  it("registers nothing at bunq and records why, which /notifications then says", async () => {
    await connectChat(handle.db, { chatId: 8001, secret: "old-secret", registeredAt: null });
    const asked: number[] = [];
    const contexts = {
      run: (chatId: number) => {
        asked.push(chatId);
        return Promise.reject(new Error("bunq must not be asked"));
      },
    } as unknown as BunqContexts;
    const registration = new CallbackRegistration({
      db: handle.db,
      contexts,
      logger: createLogger({ level: "silent", pretty: false }),
      prefix: undefined,
    });
    expect(await registration.register(8001)).toBe("no_public_url");
    expect(asked).toEqual([]);
    const [row] = await handle.db
      .select({ hash: bunqConnections.callbackTokenHash, unavailable: bunqConnections.callbacksUnavailable })
      .from(bunqConnections)
      .where(eq(bunqConnections.chatId, 8001));
    expect(row).toEqual({ hash: null, unavailable: "no_public_url" });
    const settings = await new NotificationSettingsStore(handle.db, false).get(8001);
    expect(settings?.availability).toBe("no_public_url");
  });
});

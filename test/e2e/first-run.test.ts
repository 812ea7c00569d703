/**
 * A fresh install as an operator meets it: `npm start` alone registers the bot with bunq (the
 * steps of `npm run setup`, one log line each, no secrets), a second start changes nothing at
 * bunq, and update delivery is its own setting — long polling also with a public URL. Outside
 * demo mode the demo's routes do not exist.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseApiContextStore } from "../../src/db/api-context-store.js";
import { DatabaseProviderRegistrationStore } from "../../src/db/provider-registration-store.js";
import type { LoggedRequest } from "../../src/emulator/bunq/control.js";
import { startStack, type Stack } from "./stack.js";

const SLOW = 120_000;
const LOCAL_ONLY_HINT = "Open it in a browser on the computer that runs this bot";

let stack: Stack | undefined;
afterEach(async ({ task }) => {
  if (task.result?.state === "fail" && stack) console.error(stack.output());
  await stack?.expectClean();
  await stack?.close();
  stack = undefined;
});

/** /start then /connect as a new person; returns the text and authorize URL of the link message. */
async function connectLink(current: Stack, userId: number) {
  await current.control.createUser({ id: userId, first_name: "Fresh" });
  await current.control.sendMessage(userId, "/start");
  await current.control.waitForBotMessages(userId, 1, 15_000);
  await current.control.sendMessage(userId, "/connect");
  const { messages } = await current.control.waitForBotMessages(userId, 3, 15_000);
  const link = messages.filter((m) => m.sender === "bot").at(-2);
  return { text: link?.text ?? "", url: new URL(String(link?.buttons[0]?.[0]?.url)) };
}

describe("npm start on a fresh install", () => {
  it(
    "runs the PSD2 setup itself, one line per step without secrets; the next start changes nothing at bunq",
    async () => {
      stack = await startStack({ delivery: "polling", setup: false });
      const firstRun = stack.output();
      for (const step of [
        "stored the PSD2 certificate",
        "installation",
        "PSD2 credential",
        "device-server",
        "OAuth client and callback URL",
      ]) {
        expect(firstRun).toContain(`"msg":"bunq setup: ${step}"`);
      }
      const { registration, provider } = await stack.withDatabase(async (db) => ({
        registration: await new DatabaseProviderRegistrationStore(db, stack!.keyring).load("sandbox"),
        provider: await new DatabaseApiContextStore(db, stack!.keyring).load("provider"),
      }));
      expect(registration?.oauthClientId).toBeTruthy();
      expect(registration?.callbackUrls).toEqual([stack.callbackUrl]);
      for (const secret of [
        registration?.oauthClientSecret,
        registration?.certificate.privateKeyPem.split("\n")[1],
        provider?.secret,
        provider?.installationToken,
        provider?.session?.token,
      ]) {
        expect(secret).toBeTruthy();
        expect(firstRun).not.toContain(secret);
      }

      // The registration works: /connect links to bunq with the client setup made.
      const { text, url } = await connectLink(stack, 610_001);
      expect(url.searchParams.get("client_id")).toBe(registration?.oauthClientId);
      // No PUBLIC_BASE_URL: the callback is this machine's loopback address, and the user hears it.
      expect(text).toContain(LOCAL_ONLY_HINT);

      const seen = (await stack.bunqControl<LoggedRequest[]>("GET", "/requests")).length;
      await stack.restart();
      const secondRun = stack.output().slice(firstRun.length);
      expect(secondRun).not.toContain("bunq setup:");
      const calls = (await stack.bunqControl<LoggedRequest[]>("GET", "/requests")).slice(seen);
      expect(calls.filter((call) => call.method !== "GET")).toEqual([]);
    },
    SLOW,
  );

  it(
    "takes updates by long polling with a public URL when BOT_DELIVERY=polling",
    async () => {
      const publicUrl = "https://bunqbot.example.test";
      stack = await startStack({ delivery: "polling", env: { PUBLIC_BASE_URL: publicUrl } });
      expect(stack.output()).toMatch(/"delivery":"polling".*"msg":"bot and server ready"/);
      expect((await stack.control.webhook()).webhook).toBeNull();
      const { text, url } = await connectLink(stack, 610_002);
      expect(url.searchParams.get("redirect_uri")).toBe(`${publicUrl}/oauth/callback`);
      expect(text).not.toContain(LOCAL_ONLY_HINT);
      // With a bot token the demo does not exist.
      for (const path of ["/demo", "/demo/api/chat", "/demo/assets/demo.js"]) {
        expect((await fetch(`${stack.baseUrl}${path}`)).status, path).toBe(404);
      }
      const post = await fetch(`${stack.baseUrl}/demo/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "/balance" }),
      });
      expect(post.status).toBe(404);
    },
    SLOW,
  );
});

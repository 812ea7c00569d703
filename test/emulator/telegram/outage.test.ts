import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startedUser, startHarness, type Harness } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
afterEach(async () => {
  await h.control.reset();
  await h.call("deleteWebhook", { drop_pending_updates: true });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Bot API call that reports a network failure instead of throwing it. */
async function rawCall(method: string, params: Record<string, unknown> = {}) {
  try {
    const response = await fetch(`${h.emulator.apiRoot}/bot${h.emulator.token}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    return { status: response.status, body: (await response.json()) as { ok: boolean; result?: unknown } };
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
    return { networkError: cause?.code ?? String(error) };
  }
}

describe("outage: Telegram unreachable for a while", () => {
  it("resets every Bot API connection without running or logging the call, then works again with the updates kept", async () => {
    const alice = await startedUser(h, 7001, "Alice");
    const { until } = await h.control.startOutage(1500);
    const callsBefore = (await h.control.calls()).length;

    expect(await rawCall("sendMessage", { chat_id: alice.id, text: "lost" })).toEqual({
      networkError: "ECONNRESET",
    });
    expect(await rawCall("getUpdates")).toEqual({ networkError: "ECONNRESET" });
    await h.control.sendMessage(alice.id, "written during the outage");

    expect((await h.control.transcript(alice.id)).messages.map((m) => m.text)).toEqual([
      "/start",
      "written during the outage",
    ]);
    expect((await h.control.calls()).length).toBe(callsBefore);
    expect(await h.control.rejectedCalls()).toEqual([]);

    await pause(Date.parse(until) - Date.now() + 20);
    const sent = await rawCall("sendMessage", { chat_id: alice.id, text: "back" });
    expect(sent).toMatchObject({ status: 200, body: { ok: true } });
    const updates = await h.callOk<{ message: { text: string } }[]>("getUpdates");
    expect(updates.map((u) => u.message.text)).toEqual(["/start", "written during the outage"]);
    expect(await h.control.rejectedCalls()).toEqual([]);
  });

  it("cuts a long poll that is waiting when the outage starts", async () => {
    const polling = rawCall("getUpdates", { timeout: 5 });
    await pause(100);
    await h.control.startOutage(60_000);
    expect(await polling).toEqual({ networkError: "ECONNRESET" });
    await h.control.endOutage();
    expect(await h.control.rejectedCalls()).toEqual([]);
  });

  it("cuts a call whose body is still arriving, without logging it as rejected", async () => {
    const callsBefore = (await h.control.calls()).length;
    const url = new URL(`${h.emulator.apiRoot}/bot${h.emulator.token}/sendMessage`);
    const upload = request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "1000" },
    });
    const outcome = new Promise<string>((resolve) => {
      upload.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      upload.on("response", (response) => resolve(`answered ${response.statusCode}`));
    });
    upload.write('{"chat_id": 1, "text": "');
    await pause(100);
    await h.control.startOutage(60_000);
    expect(await outcome).toBe("ECONNRESET");
    await h.control.endOutage();
    expect((await h.control.calls()).length).toBe(callsBefore);
    expect(await h.control.rejectedCalls()).toEqual([]);
  });

  it("holds webhook deliveries during the outage and delivers the kept updates after it", async () => {
    const received: string[] = [];
    const listener: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        received.push((JSON.parse(body) as { message: { text: string } }).message.text);
        res.end();
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    try {
      const bob = await startedUser(h, 7002, "Bob");
      await h.call("setWebhook", {
        url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}/hook`,
        drop_pending_updates: true,
      });

      await h.control.startOutage(60_000);
      await h.control.sendMessage(bob.id, "one");
      await h.control.sendMessage(bob.id, "two");
      await pause(200);
      expect(received).toEqual([]);
      const held = await h.control.webhook();
      expect(held.pending_update_count).toBe(2);
      expect(held.deliveries).toEqual([]);

      await h.control.endOutage();
      for (let i = 0; i < 100 && received.length < 2; i++) await pause(20);
      expect(received).toEqual(["one", "two"]);
    } finally {
      listener.closeAllConnections();
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});

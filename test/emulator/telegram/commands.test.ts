import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startedUser, startHarness, type Harness } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.control.reset());

const notConnected = [
  { command: "start", description: "Start" },
  { command: "connect", description: "Connect bunq" },
];
const connected = [{ command: "accounts", description: "Your accounts" }];

describe("bot commands by scope and language", () => {
  it("stores default and chat-specific lists, and a chat shows its most specific menu", async () => {
    const alice = await startedUser(h, 1101, "Alice");
    const bob = await startedUser(h, 1102, "Bob");
    expect((await h.call("setMyCommands", { commands: notConnected })).body.result).toBe(true);
    const chatScope = { type: "chat", chat_id: alice.id };
    expect((await h.call("setMyCommands", { commands: connected, scope: chatScope })).body.result).toBe(true);
    await h.call("setMyCommands", {
      commands: [{ command: "start", description: "Beginnen" }],
      language_code: "nl",
    });

    expect((await h.call("getMyCommands", {})).body.result).toEqual(notConnected);
    expect((await h.call("getMyCommands", { scope: chatScope })).body.result).toEqual(connected);
    expect((await h.call("getMyCommands", { scope: { type: "all_private_chats" } })).body.result).toEqual([]);

    expect((await h.control.chatCommands(alice.id)).commands).toEqual(connected);
    expect((await h.control.chatCommands(bob.id)).commands).toEqual(notConnected);
    expect((await h.control.chatCommands(bob.id, { languageCode: "nl" })).commands).toEqual([
      { command: "start", description: "Beginnen" },
    ]);
    expect(await h.control.commands(chatScope)).toEqual(connected);

    await h.call("deleteMyCommands", { scope: chatScope });
    expect((await h.control.chatCommands(alice.id)).commands).toEqual(notConnected);
  });

  it("rejects invalid commands, unknown chats in scopes and malformed scopes", async () => {
    const bad = await h.call("setMyCommands", { commands: [{ command: "Connect!", description: "x" }] });
    expect(bad.body.description).toBe("Bad Request: BOT_COMMAND_INVALID");
    const noChat = await h.call("setMyCommands", {
      commands: connected,
      scope: { type: "chat", chat_id: 999 },
    });
    expect(noChat.body.description).toBe("Bad Request: chat not found");
    const noChatId = await h.call("setMyCommands", { commands: connected, scope: { type: "chat" } });
    expect(noChatId.status).toBe(400);
    expect(noChatId.body.description).toContain("chat_id");
    expect((await h.control.rejectedCalls()).map((c) => c.method)).toEqual([
      "setMyCommands",
      "setMyCommands",
      "setMyCommands",
    ]);
  });

  it("records chat actions and validates them", async () => {
    const user = await startedUser(h);
    expect((await h.call("sendChatAction", { chat_id: user.id, action: "upload_photo" })).body.result).toBe(
      true,
    );
    expect((await h.call("sendChatAction", { chat_id: user.id, action: "dancing" })).body.description).toBe(
      "Bad Request: wrong parameter action in request",
    );
    expect((await h.control.transcript(user.id)).actions.map((a) => a.action)).toEqual(["upload_photo"]);
  });
});

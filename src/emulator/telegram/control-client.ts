/**
 * Typed client for the emulator's control API (/_emulator), for unit and end-to-end tests:
 * create users and chats, act as a user, read transcripts and command menus, assert on rejected calls.
 */
import type { CallRecord } from "./bot-api.js";
import type { FaultInput } from "./faults.js";
import type { CallbackQueryRecord, CommandList, SimUser } from "./state.js";
import type { Transcript } from "./transcript.js";

export type { CallRecord, CallbackQueryRecord, CommandList, FaultInput, SimUser, Transcript };
export type TranscriptMessage = Transcript["messages"][number];

export interface ChatInfo {
  id: number;
  type: "private" | "group" | "supergroup";
  title?: string;
  first_name?: string;
  username?: string;
}

export interface SentUserMessage {
  message: Record<string, unknown> & { message_id: number };
  /** null when Telegram would not deliver it (group privacy mode, allowed_updates). */
  update_id: number | null;
  delivered: boolean;
}

export interface ButtonPress {
  /** Set for URL buttons: what the user's client would open. */
  url: string | null;
  callback_query_id: string | null;
  update_id: number | null;
}

export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`emulator control API answered ${status}: ${JSON.stringify(body)}`);
    this.name = "EmulatorControlError";
  }
}

export class TelegramEmulatorClient {
  /** @param control the emulator's control URL, e.g. http://127.0.0.1:P/_emulator */
  constructor(private readonly control: string) {}

  reset = () => this.call<{ ok: true }>("POST", "/reset");
  bot = () => this.call<{ id: number; username: string; first_name: string; token: string }>("GET", "/bot");

  /** Creates a user, or updates and returns the user with that id. */
  createUser = (user: Partial<Omit<SimUser, "is_bot">> = {}) => this.call<SimUser>("POST", "/users", user);

  /** The user's private chat with the bot (made on first use, like a user opening the bot). */
  openPrivateChat = (userId: number) =>
    this.call<ChatInfo>("POST", "/chats", { type: "private", user_id: userId });

  createGroup = (title: string, memberIds: number[], type: "group" | "supergroup" = "group") =>
    this.call<ChatInfo>("POST", "/chats", { type, title, member_ids: memberIds });

  /** Sends text as the user; without chatId it goes to the user's private chat with the bot. */
  sendMessage = (
    userId: number,
    text: string,
    options: { chatId?: number; replyToMessageId?: number } = {},
  ) =>
    this.call<SentUserMessage>("POST", "/messages", {
      user_id: userId,
      text,
      ...(options.chatId !== undefined ? { chat_id: options.chatId } : {}),
      ...(options.replyToMessageId !== undefined ? { reply_to_message_id: options.replyToMessageId } : {}),
    });

  /** Presses an inline button (by callback_data or label) that exists on that message. */
  pressButton = (
    userId: number,
    chatId: number,
    messageId: number,
    button: { callbackData: string } | { text: string },
  ) =>
    this.call<ButtonPress>("POST", "/callback-queries", {
      user_id: userId,
      chat_id: chatId,
      message_id: messageId,
      ...("callbackData" in button ? { callback_data: button.callbackData } : { text: button.text }),
    });

  callbackQuery = (id: string) =>
    this.call<CallbackQueryRecord>("GET", `/callback-queries/${encodeURIComponent(id)}`);

  transcript = (chatId: number) => this.call<Transcript>("GET", `/chats/${chatId}/transcript`);

  /** Waits until the chat holds `count` bot messages (deleted included); throws on timeout. */
  waitForBotMessages = (chatId: number, count: number, timeoutMs = 5000) =>
    this.call<Transcript>("GET", `/chats/${chatId}/wait?count=${count}&timeout=${timeoutMs}`);

  /** Raw bytes of a photo the bot sent. */
  async file(fileId: string): Promise<Buffer> {
    const response = await fetch(`${this.control}/files/${encodeURIComponent(fileId)}`);
    if (!response.ok) throw new EmulatorControlError(response.status, await response.text());
    return Buffer.from(await response.arrayBuffer());
  }

  /** The command menu a user sees in that chat (most specific scope, then language fallback). */
  chatCommands = (chatId: number, options: { userId?: number; languageCode?: string } = {}) => {
    const query = new URLSearchParams();
    if (options.userId !== undefined) query.set("user_id", String(options.userId));
    if (options.languageCode !== undefined) query.set("language_code", options.languageCode);
    return this.call<{
      scope: Record<string, unknown> | null;
      language_code: string;
      commands: CommandList["commands"];
    }>("GET", `/chats/${chatId}/commands?${query.toString()}`);
  };

  /** Commands stored for exactly this scope (like getMyCommands), or every stored list without a scope. */
  commands = (scope?: Record<string, unknown>, languageCode = "") =>
    scope === undefined
      ? this.call<CommandList[]>("GET", "/commands")
      : this.call<CommandList["commands"]>(
          "GET",
          `/commands?scope=${encodeURIComponent(JSON.stringify(scope))}&language_code=${languageCode}`,
        );

  /** The JSON of an update the emulator created. */
  update = (updateId: number) =>
    this.call<{ update_id: number } & Record<string, unknown>>("GET", `/updates/${updateId}`);

  /** Delivers a past update again with the same update_id (Telegram redelivers after failures). */
  redeliverUpdate = (updateId: number) => this.call<{ ok: true }>("POST", `/updates/${updateId}/redeliver`);

  calls = () => this.call<CallRecord[]>("GET", "/calls");
  rejectedCalls = () => this.call<CallRecord[]>("GET", "/rejected-calls");
  clearCalls = () => this.call<{ ok: true }>("DELETE", "/rejected-calls");
  injectFault = (fault: FaultInput) => this.call<{ ok: true }>("POST", "/faults", fault);
  clearFaults = () => this.call<{ ok: true }>("DELETE", "/faults");

  /**
   * Makes Telegram unreachable for `ms` (wall clock): Bot API connections are reset without the call
   * running or being logged, and webhook deliveries wait; updates are kept and flow again afterwards.
   */
  startOutage = (ms: number) => this.call<{ ok: true; until: string }>("POST", "/outage", { ms });
  /** Ends an outage early. */
  endOutage = () => this.call<{ ok: true }>("DELETE", "/outage");
  webhook = () =>
    this.call<{
      webhook: {
        url: string;
        secret_token?: string;
        max_connections: number;
        allowed_updates?: string[];
      } | null;
      pending_update_count: number;
      last_error: { date: number; message: string } | null;
      deliveries: { update_id: number; status: number | string; at: number }[];
    }>("GET", "/webhook");

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.control}${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }
        : {}),
    });
    const json: unknown = await response.json();
    if (!response.ok) throw new EmulatorControlError(response.status, json);
    return json as T;
  }
}

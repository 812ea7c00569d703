/**
 * Scripted Telegram users for the end-to-end suites: a person sends text, presses buttons and
 * reads what the bot answered; helpers connect a person's bunq sandbox user and walk /pay to
 * its summary. Bound to a stack lazily (`() => stack`), as suites start theirs in beforeAll.
 */
import { notificationsLine } from "../../src/bot/messages/connect.js";
import { expect } from "vitest";
import type { SimUser, TranscriptMessage } from "../../src/emulator/telegram/control-client.js";
import type { SandboxUser, Stack } from "./stack.js";

export interface EmulatedAccount {
  id: number;
  type: string;
  iban: string;
  description: string;
  balance: string;
  payments: number;
}
export interface EmulatedUser {
  accounts: EmulatedAccount[];
  draft_payments: { id: number; status: string }[];
  request_inquiries: { id: number; status: string; share_url: string | null }[];
  bunqme_tabs: { id: number; status: string; share_url: string }[];
  active_sessions: number;
  notification_filters: { category: string; target: string; grant_id?: number }[];
}

export async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function people(stack: () => Stack, firstUserId: number) {
  let lastUserId = firstUserId;
  const bunqUser = (sandbox: SandboxUser) =>
    stack().bunqControl<EmulatedUser>("GET", `/users/${sandbox.user_id}`);
  /** The balances bunq holds for the user's accounts, in the order they were created. */
  const balancesIn = async (sandbox: SandboxUser) =>
    (await bunqUser(sandbox)).accounts.map((account) => account.balance);

  /** A person in a private chat: sends text, presses buttons, reads what the bot answered. */
  function person(user: SimUser) {
    const chat = user.id;
    const botMessages = async () =>
      (await stack().control.transcript(chat)).messages.filter((m) => m.sender === "bot" && !m.deleted);
    /**
     * Replies are the bot's messages after the person's last action: anything that arrived in
     * between (a late notice, a repeated question after a restart) is not taken for an answer.
     */
    let floor = 0;
    const lastMessageId = async () => {
      // A chat that has seen no message yet has no transcript.
      const transcript = await stack()
        .control.transcript(chat)
        .catch(() => ({ messages: [] as TranscriptMessage[] }));
      return Math.max(0, ...transcript.messages.map((m) => m.message_id));
    };
    const replies = async (count: number): Promise<TranscriptMessage[]> => {
      const fresh = await until(
        async () => {
          const after = (await botMessages()).filter((m) => m.message_id > floor);
          return after.length >= count ? after.slice(0, count) : undefined;
        },
        `${count} bot replies in chat ${chat}`,
        20_000,
      );
      floor = Math.max(floor, ...fresh.map((m) => m.message_id));
      return fresh;
    };
    return {
      user,
      botMessages,
      /** Sends `text` and returns the next `count` bot messages. */
      async say(text: string, count = 1) {
        floor = await lastMessageId();
        await stack().control.sendMessage(user.id, text);
        return replies(count);
      },
      async press(message: TranscriptMessage, label: string, count = 0) {
        const button = message.buttons.flat().find((b) => b.text === label);
        if (!button) throw new Error(`no button "${label}" on: ${message.text}`);
        floor = await lastMessageId();
        const press = await stack().control.pressButton(user.id, chat, message.message_id, {
          callbackData: String(button.callback_data),
        });
        return { press, replies: count > 0 ? await replies(count) : [] };
      },
      /** Waits until the message was edited to satisfy `check`, and returns it. */
      async edited(messageId: number, check: (m: TranscriptMessage) => boolean) {
        return until(async () => {
          const message = (await botMessages()).find((m) => m.message_id === messageId);
          return message && check(message) ? message : undefined;
        }, `message ${messageId} to be edited`);
      },
      skipSeen: async () => {
        floor = await lastMessageId();
      },
    };
  }

  /** /connect, bunq consent (via the emulator's shortcut) and our confirmation page. */
  /** /connect, then consent and confirmation (see authorize). */
  async function connect(p: ReturnType<typeof person>, sandbox: SandboxUser) {
    const [link] = await p.say("/connect", 2);
    return authorize(p, sandbox, link!);
  }

  /** bunq consent for the link's button (via the emulator's shortcut), then our confirmation page. */
  async function authorize(p: ReturnType<typeof person>, sandbox: SandboxUser, link: TranscriptMessage) {
    const url = new URL(String(link.buttons[0]![0]!.url));
    const { location } = await stack().bunqControl<{ location: string }>("POST", "/oauth/authorize", {
      client_id: url.searchParams.get("client_id"),
      redirect_uri: url.searchParams.get("redirect_uri"),
      state: url.searchParams.get("state"),
      user_id: sandbox.user_id,
    });
    const page = await (await fetch(location)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    expect(csrf).toBeDefined();
    const confirmed = await fetch(`${stack().baseUrl}/oauth/confirm`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ state: url.searchParams.get("state")!, csrf: csrf! }).toString(),
    });
    expect(confirmed.status).toBe(200);
    const connected = await until(async () => {
      const last = (await p.botMessages()).at(-1);
      return last?.text?.startsWith("Connected:") ? last : undefined;
    }, "the connected message");
    await p.skipSeen();
    return connected;
  }

  const threeAccounts = () =>
    stack().createSandboxUser({
      display_name: "Sam Sandbox",
      accounts: [
        { type: "bank", description: "Main", balance: "500.00" },
        { type: "savings", description: "Rainy day", balance: "1000.00" },
        { type: "joint", description: "Household", balance: "250.50" },
      ],
    });

  /**
   * A new user with three accounts, connected. `notifications: false` turns money notices off
   * right after (/notifications, Turn off), for suites whose replies they would interleave.
   */
  async function newConnectedPerson(firstName: string, options: { notifications?: boolean } = {}) {
    const sandbox = await threeAccounts();
    const user = await stack().control.createUser({
      id: ++lastUserId,
      first_name: firstName,
      username: firstName.toLowerCase(),
      language_code: "en",
    });
    const p = person(user);
    const connected = await connect(p, sandbox);
    expect(connected.text).toBe(`Connected: Sam Sandbox, 3 accounts\n\n${notificationsLine("on")}`);
    if (options.notifications === false) {
      const [settings] = await p.say("/notifications");
      await p.press(settings!, "Turn off");
      await p.edited(settings!.message_id, (m) => m.text?.startsWith("Notifications are off") ?? false);
    }
    return { p, sandbox };
  }

  /** /pay between two of the user's own accounts up to the summary, which it returns. */
  async function ownPaymentSummary(
    p: ReturnType<typeof person>,
    from: string,
    to: string,
    amount: string,
    description: string,
  ) {
    const [fromQuestion] = await p.say("/pay");
    const { replies: toQuestion } = await p.press(fromQuestion!, `${from} · EUR`, 1);
    await p.press(toQuestion[0]!, `${to} · EUR`, 1);
    await p.say(amount);
    const summary = (await p.say(description))[0]!;
    return summary;
  }

  return {
    bunqUser,
    balancesIn,
    person,
    connect,
    authorize,
    threeAccounts,
    newConnectedPerson,
    ownPaymentSummary,
  };
}

export type Person = ReturnType<ReturnType<typeof people>["person"]>;

/**
 * The emulator's own JSON API under /_emulator (clearly not Telegram): simulated users and chats,
 * user actions, transcripts, command menus, the call log and rejected calls, fault injection, outages,
 * reset.
 * Bodies are parsed with zod; errors answer `{"error": "..."}`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { send, type BotApi } from "./bot-api.js";
import { effectiveCommands } from "./commands-view.js";
import type { FaultInjector } from "./faults.js";
import { commandKey } from "./methods/bot.js";
import type { Outage } from "./outage.js";
import { readBody } from "./request-body.js";
import { ControlError, type UserSimulator } from "./simulator.js";
import type { EmulatorState } from "./state.js";
import { transcript } from "./transcript.js";
import type { UpdateHub } from "./updates.js";
import { BotApiError } from "./errors.js";

const userSchema = z.object({
  id: z.number().int().positive().optional(),
  first_name: z.string().min(1).optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
const chatSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("private"), user_id: z.number().int() }),
  z.object({
    type: z.enum(["group", "supergroup"]),
    title: z.string().min(1),
    member_ids: z.array(z.number().int()).default([]),
  }),
]);
const messageSchema = z.object({
  user_id: z.number().int(),
  chat_id: z.number().int().optional(),
  text: z.string().min(1),
  reply_to_message_id: z.number().int().optional(),
});
const pressSchema = z.object({
  user_id: z.number().int(),
  chat_id: z.number().int(),
  message_id: z.number().int(),
  callback_data: z.string().optional(),
  text: z.string().optional(),
});

export interface ControlDeps {
  state: EmulatorState;
  hub: UpdateHub;
  api: BotApi;
  faults: FaultInjector;
  outage: Outage;
  simulator: UserSimulator;
  controlUrl: () => string;
}

type Route = [
  method: string,
  pattern: RegExp,
  handler: (m: RegExpExecArray, body: unknown, url: URL) => unknown,
];

export function createControlApi(deps: ControlDeps) {
  const { state, hub, api, faults, outage, simulator } = deps;
  const chatOf = (id: string | undefined) => {
    const chat = state.chats.get(Number(id));
    if (!chat) throw new ControlError(404, `chat ${id} not found`);
    return chat;
  };

  const routes: Route[] = [
    [
      "POST",
      /^\/reset$/,
      () => {
        state.reset();
        hub.reset();
        api.clearCalls();
        faults.clear();
        outage.end();
        return { ok: true };
      },
    ],
    ["GET", /^\/bot$/, () => ({ ...state.botUser(), token: state.bot.token })],
    ["POST", /^\/users$/, (_m, body) => state.ensureUser(userSchema.parse(body))],
    [
      "POST",
      /^\/chats$/,
      (_m, body) => {
        const input = chatSchema.parse(body);
        if (input.type === "private") {
          if (!state.users.has(input.user_id)) throw new ControlError(404, `user ${input.user_id} not found`);
          return state.chatJson(state.privateChat(input.user_id));
        }
        for (const id of input.member_ids) {
          if (!state.users.has(id)) throw new ControlError(404, `user ${id} not found`);
        }
        return state.chatJson(state.createGroup(input.title, input.member_ids, input.type));
      },
    ],
    ["POST", /^\/messages$/, (_m, body) => simulator.sendMessage(messageSchema.parse(body))],
    ["POST", /^\/callback-queries$/, (_m, body) => simulator.pressButton(pressSchema.parse(body))],
    [
      "GET",
      /^\/callback-queries\/([^/]+)$/,
      (m) => {
        const query = state.callbackQueries.get(decodeURIComponent(m[1] ?? ""));
        if (!query) throw new ControlError(404, "callback query not found");
        return query;
      },
    ],
    ["GET", /^\/chats\/(-?\d+)\/transcript$/, (m) => transcript(state, chatOf(m[1]), deps.controlUrl())],
    [
      "GET",
      /^\/chats\/(-?\d+)\/commands$/,
      (m, _b, url) => {
        const userId = url.searchParams.get("user_id");
        return effectiveCommands(
          state,
          chatOf(m[1]),
          userId ? Number(userId) : undefined,
          url.searchParams.get("language_code") ?? "",
        );
      },
    ],
    [
      "GET",
      /^\/commands$/,
      (_m, _b, url) => {
        const scope = url.searchParams.get("scope");
        if (scope === null) return [...state.commands.values()];
        const key = commandKey(
          state,
          z.record(z.string(), z.unknown()).parse(JSON.parse(scope)),
          url.searchParams.get("language_code") ?? "",
        ).key;
        return state.commands.get(key)?.commands ?? [];
      },
    ],
    [
      "GET",
      /^\/updates\/(\d+)$/,
      (m) => {
        const update = hub.find(Number(m[1]));
        if (!update) throw new ControlError(404, "update not found");
        return update;
      },
    ],
    [
      "POST",
      /^\/updates\/(\d+)\/redeliver$/,
      (m) => {
        if (!hub.redeliver(Number(m[1]))) throw new ControlError(404, "update not found");
        return { ok: true };
      },
    ],
    ["GET", /^\/calls$/, () => api.calls],
    ["GET", /^\/rejected-calls$/, () => api.rejectedCalls],
    ["DELETE", /^\/rejected-calls$/, () => (api.clearCalls(), { ok: true })],
    ["POST", /^\/faults$/, (_m, body) => (faults.add(body), { ok: true })],
    ["DELETE", /^\/faults$/, () => (faults.clear(), { ok: true })],
    ["POST", /^\/outage$/, (_m, body) => outage.start(body)],
    ["DELETE", /^\/outage$/, () => (outage.end(), { ok: true })],
    [
      "GET",
      /^\/webhook$/,
      () => ({
        webhook: hub.webhook ?? null,
        pending_update_count: hub.pendingCount,
        last_error: hub.lastError ?? null,
        deliveries: hub.deliveryLog,
      }),
    ],
  ];

  return async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, path: string) {
    try {
      const waitMatch = /^\/chats\/(-?\d+)\/wait$/.exec(path);
      if (req.method === "GET" && waitMatch) return await waitForBotMessages(res, url, chatOf(waitMatch[1]));
      const fileMatch = /^\/files\/([^/]+)$/.exec(path);
      if (req.method === "GET" && fileMatch) {
        const file = state.files.get(decodeURIComponent(fileMatch[1] ?? ""));
        if (!file) throw new ControlError(404, "file not found");
        res.writeHead(200, { "content-type": file.mime_type, "content-length": file.bytes.length });
        res.end(file.bytes);
        return;
      }
      for (const [method, pattern, handler] of routes) {
        const m = pattern.exec(path);
        if (!m || req.method !== method) continue;
        const raw = await readBody(req);
        const body: unknown = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : {};
        send(res, 200, handler(m, body, url));
        return;
      }
      throw new ControlError(404, `no control route ${req.method ?? "?"} ${path}`);
    } catch (error) {
      send(res, controlStatus(error), { error: error instanceof Error ? error.message : String(error) });
    }
  };

  /** Long-polls until the chat has `count` bot messages (deleted ones included); 408 with the transcript on timeout. */
  async function waitForBotMessages(res: ServerResponse, url: URL, chat: ReturnType<typeof chatOf>) {
    const count = Number(url.searchParams.get("count") ?? "1");
    const deadline = Date.now() + Number(url.searchParams.get("timeout") ?? "5000");
    const botMessages = () => chat.messages.filter((m) => m.fromId === state.bot.id).length;
    while (botMessages() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    send(res, botMessages() >= count ? 200 : 408, transcript(state, chat, deps.controlUrl()));
  }
}

function controlStatus(error: unknown): number {
  if (error instanceof ControlError) return error.status;
  if (error instanceof z.ZodError || error instanceof SyntaxError) return 400;
  if (error instanceof BotApiError) return error.errorCode;
  return 500;
}

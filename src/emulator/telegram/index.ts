/**
 * Telegram Bot API emulator: a local HTTP server that speaks the Bot API at `<apiRoot>/bot<token>/<method>`
 * and offers a user simulator under `/_emulator`. Standalone test infrastructure; shares nothing with
 * the product code.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BotApi, send } from "./bot-api.js";
import { createControlApi } from "./control-api.js";
import { FaultInjector } from "./faults.js";
import { Outage } from "./outage.js";
import { UserSimulator } from "./simulator.js";
import { loadSpec } from "./spec/spec.js";
import { EmulatorState } from "./state.js";
import { UpdateHub } from "./updates.js";
import { CallValidator } from "./validate.js";

export interface TelegramEmulatorOptions {
  port?: number;
  host?: string;
  /** Bot token the emulator accepts (others get 401). Default: a random well-formed token. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  /** Multiplies webhook retry backoff and the callback-query answer window. Default 1. */
  timeScale?: number;
  /** Webhook deliveries of one update before it is dropped. Default 8. */
  webhookMaxAttempts?: number;
  /** Time to answer a callback query before "query is too old" (before timeScale). Default 15 s. */
  callbackQueryTtlMs?: number;
  /** First update_id. Default: derived from the clock, so restarts keep ids increasing. */
  firstUpdateId?: number;
}

export interface TelegramEmulator {
  /** http://127.0.0.1:P — the bot calls `<apiRoot>/bot<token>/<method>`. */
  apiRoot: string;
  /** http://127.0.0.1:P/_emulator */
  control: string;
  /** The token the emulator accepts. */
  token: string;
  botUsername: string;
  close(): Promise<void>;
}

export async function startTelegramEmulator(
  options: TelegramEmulatorOptions = {},
): Promise<TelegramEmulator> {
  const timeScale = options.timeScale ?? 1;
  const token =
    options.token ??
    `${7_000_000_000 + Math.floor(Math.random() * 1e9)}:AA${randomBytes(25).toString("base64url").slice(0, 33)}`;
  const botId = Number(token.split(":")[0]);
  if (!Number.isSafeInteger(botId) || botId <= 0)
    throw new Error("bot token must look like <bot id>:<secret>");
  const state = new EmulatorState({
    id: botId,
    token,
    username: options.botUsername ?? "bunqbot_emulator_bot",
    first_name: options.botFirstName ?? "bunqbot",
  });
  const hub = new UpdateHub(
    { timeScale, maxAttempts: options.webhookMaxAttempts ?? 8, requestTimeoutMs: 60_000 },
    options.firstUpdateId ?? (Math.floor(Date.now() / 1000) % 1_000_000) * 1000,
  );
  const faults = new FaultInjector();
  const outage = new Outage(hub);
  const api = new BotApi(token, new CallValidator(loadSpec()), faults, {
    state,
    hub,
    callbackQueryTtlMs: (options.callbackQueryTtlMs ?? 15_000) * timeScale,
  });
  hub.onWebhookReply = (body) => api.executeWebhookReply(body);
  let baseUrl = "";
  const simulator = new UserSimulator(state, hub);
  const control = createControlApi({
    state,
    hub,
    api,
    faults,
    outage,
    simulator,
    controlUrl: () => `${baseUrl}/_emulator`,
  });

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const botCall = /^\/bot([^/]*)\/([^/]+)\/?$/.exec(url.pathname);
    if (botCall) {
      if (!outage.admit(req, res)) return;
      void api.handle(req, res, url, decodeURIComponent(botCall[1] ?? ""), botCall[2] ?? "");
    } else if (url.pathname.startsWith("/_emulator/")) {
      void control(req, res, url, url.pathname.slice("/_emulator".length));
    } else {
      send(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    apiRoot: baseUrl,
    control: `${baseUrl}/_emulator`,
    token,
    botUsername: state.bot.username,
    close: async () => {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

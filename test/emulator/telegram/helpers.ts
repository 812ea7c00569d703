import {
  startTelegramEmulator,
  type TelegramEmulator,
  type TelegramEmulatorOptions,
} from "../../../src/emulator/telegram/index.js";
import { TelegramEmulatorClient } from "../../../src/emulator/telegram/control-client.js";

export interface Harness {
  emulator: TelegramEmulator;
  control: TelegramEmulatorClient;
  /** POSTs a JSON Bot API call and returns HTTP status and body. */
  call: (method: string, params?: Record<string, unknown>) => Promise<{ status: number; body: BotApiBody }>;
  /** Like call, but expects success and returns the typed result. */
  callOk: <T>(method: string, params?: Record<string, unknown>) => Promise<T>;
  close: () => Promise<void>;
}

export interface BotApiBody {
  ok: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export async function startHarness(options: TelegramEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startTelegramEmulator({ timeScale: 0.01, ...options });
  const control = new TelegramEmulatorClient(emulator.control);
  const call: Harness["call"] = async (method, params = {}) => {
    const response = await fetch(`${emulator.apiRoot}/bot${emulator.token}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    return { status: response.status, body: (await response.json()) as BotApiBody };
  };
  return {
    emulator,
    control,
    call,
    callOk: async <T>(method: string, params: Record<string, unknown> = {}) => {
      const { body } = await call(method, params);
      if (!body.ok) throw new Error(`${method} failed: ${body.description ?? "?"}`);
      return body.result as T;
    },
    close: () => emulator.close(),
  };
}

/** A user who has started the bot, so the bot may write to the private chat. */
export async function startedUser(h: Harness, id = 1001, firstName = "Alice") {
  const user = await h.control.createUser({ id, first_name: firstName, username: firstName.toLowerCase() });
  await h.control.sendMessage(user.id, "/start");
  return user;
}

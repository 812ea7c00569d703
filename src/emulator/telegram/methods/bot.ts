/** getMe, answerCallbackQuery and the command-list methods (scopes and language codes). */
import { z } from "zod";
import { badRequest, QUERY_TOO_OLD } from "../errors.js";
import type { EmulatorState } from "../state.js";
import { findChat, objectSchema } from "./common.js";
import { parseParams, type MethodHandler } from "./context.js";

export const getMe: MethodHandler = (_params, ctx) => ({
  result: {
    ...ctx.state.botUser(),
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  },
});

export const answerCallbackQuery: MethodHandler = (params, ctx) => {
  const p = parseParams(
    z.object({
      callback_query_id: z.string(),
      text: z.string().optional(),
      show_alert: z.boolean().optional(),
      url: z.string().optional(),
      cache_time: z.number().optional(),
    }),
    params,
  );
  const query = ctx.state.callbackQueries.get(p.callback_query_id);
  if (!query || query.answer || Date.now() - query.createdAt > ctx.callbackQueryTtlMs) {
    throw badRequest(QUERY_TOO_OLD);
  }
  if (p.text !== undefined && p.text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
  query.answer = {
    ...(p.text !== undefined ? { text: p.text } : {}),
    ...(p.show_alert !== undefined ? { show_alert: p.show_alert } : {}),
    ...(p.url !== undefined ? { url: p.url } : {}),
    ...(p.cache_time !== undefined ? { cache_time: p.cache_time } : {}),
    at: Date.now(),
  };
  return { result: true };
};

const scopeParamsSchema = z.object({
  scope: objectSchema.optional(),
  language_code: z.string().optional(),
});

/** Storage key of a (scope, language) pair; chat scopes need an existing chat, as in Telegram. */
export function commandKey(
  state: EmulatorState,
  scope: Record<string, unknown> | undefined,
  languageCode: string | undefined,
): { key: string; scope: Record<string, unknown>; language_code: string } {
  const language_code = languageCode ?? "";
  if (language_code !== "" && !/^[a-z]{2}$/.test(language_code))
    throw badRequest("invalid language code specified");
  const normalized: Record<string, unknown> = { type: "default", ...scope };
  const type = String(normalized.type);
  let key = type;
  if (["chat", "chat_administrators", "chat_member"].includes(type)) {
    const chat = findChat(state, normalized.chat_id as number | string);
    normalized.chat_id = chat.id;
    key += `:${chat.id}`;
    if (type === "chat_member") key += `:${String(normalized.user_id)}`;
  }
  return { key: `${key}|${language_code}`, scope: normalized, language_code };
}

export const setMyCommands: MethodHandler = (params, ctx) => {
  const p = parseParams(
    scopeParamsSchema.extend({
      commands: z.array(z.object({ command: z.string(), description: z.string() })),
    }),
    params,
  );
  if (p.commands.length > 100) throw badRequest("too many commands");
  for (const command of p.commands) {
    if (!/^[a-z0-9_]{1,32}$/.test(command.command)) throw badRequest("BOT_COMMAND_INVALID");
    if (command.description.trim() === "" || command.description.length > 256) {
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
  }
  const { key, scope, language_code } = commandKey(ctx.state, p.scope, p.language_code);
  if (p.commands.length === 0) ctx.state.commands.delete(key);
  else ctx.state.commands.set(key, { scope, language_code, commands: p.commands });
  return { result: true };
};

export const getMyCommands: MethodHandler = (params, ctx) => {
  const p = parseParams(scopeParamsSchema, params);
  const { key } = commandKey(ctx.state, p.scope, p.language_code);
  return { result: ctx.state.commands.get(key)?.commands ?? [] };
};

export const deleteMyCommands: MethodHandler = (params, ctx) => {
  const p = parseParams(scopeParamsSchema, params);
  ctx.state.commands.delete(commandKey(ctx.state, p.scope, p.language_code).key);
  return { result: true };
};

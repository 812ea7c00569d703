/**
 * What a Bot API method handler gets: coerced parameters (already checked against the spec), the
 * emulator's state and update hub. Handlers return the `result` (and optional `description`) or throw
 * BotApiError. Parameters are re-parsed with zod for typed access.
 */
import type { z } from "zod";
import { badRequest } from "../errors.js";
import type { EmulatorState } from "../state.js";
import type { UpdateHub } from "../updates.js";
import type { RawParams } from "../validate.js";

export interface MethodContext {
  state: EmulatorState;
  hub: UpdateHub;
  /** True once the HTTP client went away (long polling stops waiting). */
  isClosed: () => boolean;
  callbackQueryTtlMs: number;
}

export interface MethodResult {
  result: unknown;
  description?: string;
}

export type MethodHandler = (params: RawParams, ctx: MethodContext) => MethodResult | Promise<MethodResult>;

export function parseParams<T extends z.ZodType>(schema: T, params: RawParams): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`invalid parameter "${issue?.path.join(".") ?? "?"}": ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

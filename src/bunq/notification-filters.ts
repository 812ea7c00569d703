/**
 * URL callbacks. bunq replaces the whole filter set on every POST, so adding or removing our
 * filters reads the current set, merges, and writes it back — leaving other apps' filters alone.
 */
import { z } from "zod";
import type { ApiContext } from "./api-context.js";
import { unwrapList } from "./envelope.js";

export interface CallbackFilter {
  readonly category: string;
  readonly target: string;
}

const filterSet = z.object({
  NotificationFilterUrl: z.object({
    notification_filters: z
      .array(z.object({ category: z.string(), notification_target: z.string().nullable().optional() }))
      .default([]),
  }),
});

const filterPath = (accountId?: number) =>
  accountId === undefined
    ? "/user/{userId}/notification-filter-url"
    : `/user/{userId}/monetary-account/${accountId}/notification-filter-url`;

export async function listCallbackFilters(
  context: ApiContext,
  accountId?: number,
): Promise<CallbackFilter[]> {
  const response = await context.send({ method: "GET", path: filterPath(accountId), idempotent: true });
  return unwrapList(response.body, filterSet).items.flatMap((item) =>
    item.NotificationFilterUrl.notification_filters
      .filter((f) => f.notification_target)
      .map((f) => ({ category: f.category, target: f.notification_target! })),
  );
}

async function writeFilters(context: ApiContext, filters: readonly CallbackFilter[], accountId?: number) {
  await context.send({
    method: "POST",
    path: filterPath(accountId),
    body: {
      notification_filters: filters.map((f) => ({ category: f.category, notification_target: f.target })),
    },
  });
}

/** bunq: "Callbacks: 2 callback URLs per notification category". */
export const MAX_URLS_PER_CATEGORY = 2;

/** Other apps already use every callback URL bunq allows for these categories. */
export class CallbackSlotsTakenError extends Error {
  override name = "CallbackSlotsTakenError";
  constructor(readonly categories: readonly string[]) {
    super(`bunq allows ${MAX_URLS_PER_CATEGORY} callback URLs per category; taken: ${categories.join(", ")}`);
  }
}

/**
 * Replaces our filters (those whose target `isOurs`) with `wanted`, keeping every other app's.
 * Refuses (CallbackSlotsTakenError, nothing written) rather than push another app out when a
 * category has no free URL.
 */
export async function replaceCallbackFilters(
  context: ApiContext,
  isOurs: (target: string) => boolean,
  wanted: readonly CallbackFilter[],
  accountId?: number,
): Promise<void> {
  const current = await listCallbackFilters(context, accountId);
  const others = current.filter((filter) => !isOurs(filter.target));
  const full = [...new Set(wanted.map((filter) => filter.category))].filter((category) => {
    const targets = new Set(others.filter((f) => f.category === category).map((f) => f.target));
    return targets.size >= MAX_URLS_PER_CATEGORY;
  });
  if (full.length > 0) throw new CallbackSlotsTakenError(full);
  const unchanged =
    current.length === others.length + wanted.length &&
    wanted.every((w) => current.some((c) => c.category === w.category && c.target === w.target));
  if (!unchanged) await writeFilters(context, [...others, ...wanted], accountId);
}

/** Removes every filter whose target `isOurs`, keeping the rest. */
export async function removeCallbackFilters(
  context: ApiContext,
  isOurs: (target: string) => boolean,
  accountId?: number,
) {
  const current = await listCallbackFilters(context, accountId);
  const kept = current.filter((filter) => !isOurs(filter.target));
  if (kept.length !== current.length) await writeFilters(context, kept, accountId);
}

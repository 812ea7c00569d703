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

const same = (a: CallbackFilter, b: CallbackFilter) => a.category === b.category && a.target === b.target;

/** Adds our filters to whatever is registered; writes only when something is missing. */
export async function addCallbackFilters(
  context: ApiContext,
  wanted: readonly CallbackFilter[],
  accountId?: number,
) {
  const current = await listCallbackFilters(context, accountId);
  const missing = wanted.filter((filter) => !current.some((existing) => same(existing, filter)));
  if (missing.length > 0) await writeFilters(context, [...current, ...missing], accountId);
}

/** Removes every filter pointing at `target`, keeping the rest. */
export async function removeCallbackFilters(context: ApiContext, target: string, accountId?: number) {
  const current = await listCallbackFilters(context, accountId);
  const kept = current.filter((filter) => filter.target !== target);
  if (kept.length !== current.length) await writeFilters(context, kept, accountId);
}

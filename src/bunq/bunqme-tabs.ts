/** bunq.me tabs: a payment link anyone can pay, for requests without a named counterparty. */
import { z } from "zod";
import type { ApiContext } from "./api-context.js";
import { unwrapObject } from "./envelope.js";
import { newestOf } from "./lookup.js";
import { formatBunqAmount, type Money } from "./money.js";

const idAnswer = z.object({ Id: z.object({ id: z.number().int() }) });
const tabAnswer = z.object({
  BunqMeTab: z.object({
    id: z.number().int(),
    created: z.string().optional(),
    status: z.string(),
    bunqme_tab_share_url: z.string(),
    bunqme_tab_entry: z.object({
      amount_inquired: z.object({ value: z.string(), currency: z.string() }),
      description: z.string(),
    }),
  }),
});

export interface BunqMeTabView {
  readonly id: number;
  /** WAITING_FOR_PAYMENT, CANCELLED or EXPIRED. */
  readonly status: string;
  readonly shareUrl: string;
}

const path = (accountId: number, id?: number) =>
  `/user/{userId}/monetary-account/${accountId}/bunqme-tab${id === undefined ? "" : `/${id}`}`;

export interface NewBunqMeTab {
  readonly accountId: number;
  readonly amount: Money;
  readonly description: string;
  /** See BunqRequest.beforeSend. */
  readonly beforeSend?: () => Promise<void>;
}

export async function createBunqMeTab(context: ApiContext, tab: NewBunqMeTab): Promise<BunqMeTabView> {
  const response = await context.send({
    method: "POST",
    path: path(tab.accountId),
    body: {
      bunqme_tab_entry: {
        amount_inquired: { value: formatBunqAmount(tab.amount), currency: tab.amount.currency },
        description: tab.description,
      },
    },
    beforeSend: tab.beforeSend,
  });
  return readBunqMeTab(context, tab.accountId, unwrapObject(response.body, idAnswer).Id.id);
}

export async function readBunqMeTab(
  context: ApiContext,
  accountId: number,
  id: number,
): Promise<BunqMeTabView> {
  const response = await context.send({ method: "GET", path: path(accountId, id), idempotent: true });
  const tab = unwrapObject(response.body, tabAnswer).BunqMeTab;
  return { id: tab.id, status: tab.status, shareUrl: tab.bunqme_tab_share_url };
}

/**
 * bunq.me tabs carry no client marker, so a tab whose answer was lost is recognised by what it
 * asks (amount and description) among the tabs made since `createdSince`, excluding ids the
 * caller already knows belong to something else.
 */
export async function findBunqMeTab(
  context: ApiContext,
  accountId: number,
  wanted: { amount: Money; description: string; createdSince: Date; excludeIds: readonly number[] },
): Promise<BunqMeTabView | undefined> {
  const amount = formatBunqAmount(wanted.amount);
  const found = (await newestOf(context, path(accountId), tabAnswer))
    .map((item) => item.BunqMeTab)
    .find(
      (tab) =>
        !wanted.excludeIds.includes(tab.id) &&
        tab.bunqme_tab_entry.amount_inquired.value === amount &&
        tab.bunqme_tab_entry.amount_inquired.currency === wanted.amount.currency &&
        tab.bunqme_tab_entry.description === wanted.description &&
        (tab.created === undefined || bunqTime(tab.created) >= wanted.createdSince.getTime()),
    );
  return found && { id: found.id, status: found.status, shareUrl: found.bunqme_tab_share_url };
}

/** bunq's timestamps are "2026-12-01 19:47:17.123456" in UTC. */
const bunqTime = (value: string) => Date.parse(`${value.replace(" ", "T").slice(0, 23)}Z`);

export async function cancelBunqMeTab(context: ApiContext, accountId: number, id: number): Promise<void> {
  // bunq's spec requires the entry on every BunqMeTab body, so the update repeats it.
  const response = await context.send({ method: "GET", path: path(accountId, id), idempotent: true });
  const { bunqme_tab_entry } = unwrapObject(response.body, tabAnswer).BunqMeTab;
  await context.send({
    method: "PUT",
    path: path(accountId, id),
    body: { bunqme_tab_entry, status: "CANCELLED" },
  });
}

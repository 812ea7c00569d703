/** bunq.me tabs: a payment link anyone can pay, for requests without a named counterparty. */
import { z } from "zod";
import type { ApiContext } from "./api-context.js";
import { unwrapObject } from "./envelope.js";
import { formatBunqAmount, type Money } from "./money.js";

const idAnswer = z.object({ Id: z.object({ id: z.number().int() }) });
const tabAnswer = z.object({
  BunqMeTab: z.object({
    id: z.number().int(),
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

export async function createBunqMeTab(
  context: ApiContext,
  tab: { accountId: number; amount: Money; description: string },
): Promise<BunqMeTabView> {
  const response = await context.send({
    method: "POST",
    path: path(tab.accountId),
    body: {
      bunqme_tab_entry: {
        amount_inquired: { value: formatBunqAmount(tab.amount), currency: tab.amount.currency },
        description: tab.description,
      },
    },
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

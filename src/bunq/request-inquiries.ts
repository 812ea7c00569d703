/** Asking someone for money: a request-inquiry, with a bunq.me link as fallback for non-bunq users. */
import { z } from "zod";
import { pointer, type Counterparty } from "./aliases.js";
import type { ApiContext } from "./api-context.js";
import { unwrapObject } from "./envelope.js";
import { newestOf } from "./lookup.js";
import { formatBunqAmount, type Money } from "./money.js";

const idAnswer = z.object({ Id: z.object({ id: z.number().int() }) });
const inquiryAnswer = z.object({
  RequestInquiry: z.object({
    id: z.number().int(),
    status: z.string(),
    bunqme_share_url: z.string().nullable().optional(),
    merchant_reference: z.string().nullable().optional(),
  }),
});

export interface RequestInquiryView {
  readonly id: number;
  /** PENDING, ACCEPTED, REJECTED, REVOKED or EXPIRED. */
  readonly status: string;
  readonly shareUrl?: string;
}

const path = (accountId: number, id?: number) =>
  `/user/{userId}/monetary-account/${accountId}/request-inquiry${id === undefined ? "" : `/${id}`}`;

export interface NewRequestInquiry {
  readonly accountId: number;
  readonly amount: Money;
  readonly from: Counterparty;
  readonly description: string;
  /** Unique per request; how it is found again when bunq's answer is lost. */
  readonly merchantReference: string;
  /** See BunqRequest.beforeSend. */
  readonly beforeSend?: () => Promise<void>;
}

export async function createRequestInquiry(
  context: ApiContext,
  request: NewRequestInquiry,
): Promise<RequestInquiryView> {
  const response = await context.send({
    method: "POST",
    path: path(request.accountId),
    body: {
      amount_inquired: { value: formatBunqAmount(request.amount), currency: request.amount.currency },
      counterparty_alias: pointer(request.from),
      description: request.description,
      allow_bunqme: true,
      merchant_reference: request.merchantReference,
    },
    beforeSend: request.beforeSend,
  });
  return readRequestInquiry(context, request.accountId, unwrapObject(response.body, idAnswer).Id.id);
}

export async function readRequestInquiry(
  context: ApiContext,
  accountId: number,
  id: number,
): Promise<RequestInquiryView> {
  const response = await context.send({ method: "GET", path: path(accountId, id), idempotent: true });
  const inquiry = unwrapObject(response.body, inquiryAnswer).RequestInquiry;
  return { id: inquiry.id, status: inquiry.status, shareUrl: inquiry.bunqme_share_url ?? undefined };
}

/** The account's request-inquiry carrying `merchantReference`, among the newest 200. */
export async function findRequestInquiryByReference(
  context: ApiContext,
  accountId: number,
  merchantReference: string,
): Promise<RequestInquiryView | undefined> {
  const found = (await newestOf(context, path(accountId), inquiryAnswer))
    .map((item) => item.RequestInquiry)
    .find((inquiry) => inquiry.merchant_reference === merchantReference);
  return found && { id: found.id, status: found.status, shareUrl: found.bunqme_share_url ?? undefined };
}

export async function revokeRequestInquiry(
  context: ApiContext,
  accountId: number,
  id: number,
): Promise<void> {
  // bunq's spec requires allow_bunqme on every RequestInquiry body, updates included.
  await context.send({
    method: "PUT",
    path: path(accountId, id),
    body: { status: "REVOKED", allow_bunqme: false },
  });
}

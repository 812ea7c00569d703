/**
 * Draft payments: how an OAuth app pays anyone other than the user's own accounts. bunq
 * creates the draft; the account holder approves it in the bunq app; we read its status.
 */
import { z } from "zod";
import { pointer, type Counterparty } from "./aliases.js";
import type { ApiContext } from "./api-context.js";
import { unwrapObject } from "./envelope.js";
import { newestOf } from "./lookup.js";
import { formatBunqAmount, type Money } from "./money.js";

export type DraftStatus = "PENDING" | "ACCEPTED" | "REJECTED" | "CANCELLED";

const idAnswer = z.object({ Id: z.object({ id: z.number().int() }) });
const draftAnswer = z.object({
  DraftPayment: z.object({
    id: z.number().int(),
    status: z.string(),
    entries: z
      .array(z.looseObject({ merchant_reference: z.string().nullable().optional() }))
      .optional()
      .default([]),
  }),
});

export interface NewDraftPayment {
  readonly fromAccountId: number;
  readonly amount: Money;
  readonly to: Counterparty;
  readonly description: string;
  /** Unique per draft; how the draft is found again when bunq's answer is lost. */
  readonly merchantReference: string;
  /** See BunqRequest.beforeSend. */
  readonly beforeSend?: () => Promise<void>;
}

export async function createDraftPayment(context: ApiContext, draft: NewDraftPayment): Promise<number> {
  const response = await context.send({
    method: "POST",
    path: `/user/{userId}/monetary-account/${draft.fromAccountId}/draft-payment`,
    body: {
      entries: [
        {
          amount: { value: formatBunqAmount(draft.amount), currency: draft.amount.currency },
          counterparty_alias: pointer(draft.to),
          description: draft.description,
          merchant_reference: draft.merchantReference,
        },
      ],
      number_of_required_accepts: 1,
    },
    beforeSend: draft.beforeSend,
  });
  return unwrapObject(response.body, idAnswer).Id.id;
}

export async function readDraftPayment(context: ApiContext, accountId: number, draftId: number) {
  const response = await context.send({
    method: "GET",
    path: `/user/{userId}/monetary-account/${accountId}/draft-payment/${draftId}`,
    idempotent: true,
  });
  const draft = unwrapObject(response.body, draftAnswer).DraftPayment;
  return { id: draft.id, status: draft.status as DraftStatus };
}

/** The account's draft whose entry carries `merchantReference`, among the newest 200. */
export async function findDraftPaymentByReference(
  context: ApiContext,
  accountId: number,
  merchantReference: string,
): Promise<{ id: number; status: DraftStatus } | undefined> {
  const listing = `/user/{userId}/monetary-account/${accountId}/draft-payment`;
  const drafts = (await newestOf(context, listing, draftAnswer)).map((item) => item.DraftPayment);
  const draft = drafts.find((candidate) =>
    candidate.entries.some((entry) => entry.merchant_reference === merchantReference),
  );
  return draft && { id: draft.id, status: draft.status as DraftStatus };
}

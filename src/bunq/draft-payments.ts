/**
 * Draft payments: how an OAuth app pays anyone other than the user's own accounts. bunq
 * creates the draft; the account holder approves it in the bunq app; we read its status.
 */
import { z } from "zod";
import { pointer, type Counterparty } from "./aliases.js";
import type { ApiContext } from "./api-context.js";
import { unwrapObject } from "./envelope.js";
import { formatBunqAmount, type Money } from "./money.js";

export type DraftStatus = "PENDING" | "ACCEPTED" | "REJECTED" | "CANCELLED";

const idAnswer = z.object({ Id: z.object({ id: z.number().int() }) });
const draftAnswer = z.object({
  DraftPayment: z.object({ id: z.number().int(), status: z.string() }),
});

export async function createDraftPayment(
  context: ApiContext,
  draft: { fromAccountId: number; amount: Money; to: Counterparty; description: string },
): Promise<number> {
  const response = await context.send({
    method: "POST",
    path: `/user/{userId}/monetary-account/${draft.fromAccountId}/draft-payment`,
    body: {
      entries: [
        {
          amount: { value: formatBunqAmount(draft.amount), currency: draft.amount.currency },
          counterparty_alias: pointer(draft.to),
          description: draft.description,
        },
      ],
      number_of_required_accepts: 1,
    },
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

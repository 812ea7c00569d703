/**
 * Payments: listing with bunq's documented pagination, and creation, which must be signed and,
 * for OAuth sessions, may only move money between the granting user's own accounts.
 */
import { z } from "zod";
import { BunqHttpError, badRequest, notFound } from "../errors.js";
import { amount, formatTime, parseCents } from "../format.js";
import { respond, type ApiRequest, type ApiRoute, type Emulation } from "../router.js";
import type { EmulatedPayment } from "../state.js";
import { ownAccount } from "./owner.js";
import { paginate } from "./pagination.js";

export function paymentObject(payment: EmulatedPayment, ownIban: string, ownName: string) {
  return {
    Payment: {
      id: payment.id,
      created: formatTime(payment.created),
      updated: formatTime(payment.created),
      monetary_account_id: payment.accountId,
      amount: amount(payment.amountCents, payment.currency),
      description: payment.description,
      type: payment.type,
      alias: { iban: ownIban, display_name: ownName },
      counterparty_alias: {
        // A payment from a paid request has no known IBAN; bunq's spec has no null for it.
        ...(payment.counterparty.iban !== undefined ? { iban: payment.counterparty.iban } : {}),
        display_name: payment.counterparty.name,
      },
      balance_after_mutation: amount(payment.balanceAfterCents, payment.currency),
      ...(payment.merchantReference !== undefined ? { merchant_reference: payment.merchantReference } : {}),
    },
  };
}

function listPayments(request: ApiRequest, emulation: Emulation) {
  const account = ownAccount(request, emulation);
  const owner = emulation.state.users.get(account.userId)!;
  return paginate(request, emulation.state.paymentsOf(account.id), (p) =>
    paymentObject(p, account.iban, owner.displayName),
  );
}

const createBody = z.object({
  amount: z.object({ value: z.string(), currency: z.string().length(3) }),
  counterparty_alias: z.object({
    type: z.enum(["IBAN", "EMAIL", "PHONE_NUMBER"]),
    value: z.string().min(1),
    name: z.string().optional(),
  }),
  description: z.string().max(140),
  merchant_reference: z.string().optional(),
});

function createPayment(request: ApiRequest, emulation: Emulation) {
  const { state } = emulation;
  const source = ownAccount(request, emulation);
  const parsed = createBody.safeParse(request.json);
  if (!parsed.success)
    throw badRequest(`Invalid or missing field "${parsed.error.issues[0]?.path.join(".") ?? "body"}".`);
  const body = parsed.data;
  const cents = parseCents(body.amount.value);
  if (cents === undefined || cents <= 0n)
    throw badRequest("The amount must be a positive value with at most 2 decimals.");
  if (body.amount.currency !== source.currency)
    throw badRequest("The currency does not match the monetary account.");
  if (source.status !== "ACTIVE") throw new BunqHttpError(400, "The monetary account is not active.");
  const target = [...state.accounts.values()].find(
    (a) => body.counterparty_alias.type === "IBAN" && a.iban === body.counterparty_alias.value,
  );
  if (request.session?.apiKeyUserId !== undefined && target?.userId !== source.userId) {
    throw new BunqHttpError(
      403,
      "OAuth applications can only make payments between the user's own accounts; use a draft payment.",
    );
  }
  if (source.balanceCents < cents) throw new BunqHttpError(400, "Insufficient balance.");
  const owner = state.users.get(source.userId)!;
  // The reference is the payer's: it stays on the outgoing side.
  const outgoing = state.book(
    source,
    -cents,
    body.description,
    {
      iban: body.counterparty_alias.type === "IBAN" ? body.counterparty_alias.value : undefined,
      name: body.counterparty_alias.name ?? body.counterparty_alias.value,
    },
    { merchantReference: body.merchant_reference },
  );
  if (target) {
    state.book(target, cents, body.description, { iban: source.iban, name: owner.displayName });
  }
  return respond({ Id: { id: outgoing.id } });
}

export const paymentRoutes: ApiRoute[] = [
  {
    method: "GET",
    path: "/user/:userId/monetary-account/:accountId/payment",
    auth: "session",
    handle: listPayments,
  },
  {
    method: "GET",
    path: "/user/:userId/monetary-account/:accountId/payment/:paymentId",
    auth: "session",
    handle(request, emulation) {
      const account = ownAccount(request, emulation);
      const payment = emulation.state
        .paymentsOf(account.id)
        .find((p) => p.id === Number(request.params.paymentId));
      if (!payment) throw notFound("payment");
      return respond(
        paymentObject(payment, account.iban, emulation.state.users.get(account.userId)!.displayName),
      );
    },
  },
  {
    method: "POST",
    path: "/user/:userId/monetary-account/:accountId/payment",
    auth: "session",
    signed: true,
    handle: createPayment,
  },
];

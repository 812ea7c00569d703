/**
 * Payments: listing with bunq's documented pagination (count default 10, max 200, older_id /
 * newer_id, Pagination URLs) and creation, which must be signed and, for OAuth sessions, may
 * only move money between the granting user's own accounts.
 */
import { z } from "zod";
import { BunqHttpError, badRequest, notFound } from "../errors.js";
import { amount, formatTime, parseCents } from "../format.js";
import { respond, type ApiRequest, type ApiRoute, type Emulation } from "../router.js";
import type { EmulatedPayment } from "../state.js";
import { ownAccount } from "./owner.js";

const DEFAULT_COUNT = 10;
const MAX_COUNT = 200;

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
        iban: payment.counterparty.iban ?? null,
        display_name: payment.counterparty.name,
      },
      balance_after_mutation: amount(payment.balanceAfterCents, payment.currency),
    },
  };
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`Parameter "${name}" must be a positive integer.`);
  return Number(value);
}

function listPayments(request: ApiRequest, emulation: Emulation) {
  const account = ownAccount(request, emulation);
  const count = intParam(request.query, "count") ?? DEFAULT_COUNT;
  if (count < 1 || count > MAX_COUNT)
    throw badRequest(`Parameter "count" must be between 1 and ${MAX_COUNT}.`);
  const olderId = intParam(request.query, "older_id");
  const newerId = intParam(request.query, "newer_id");
  const all = emulation.state.paymentsOf(account.id); // newest first
  let page: EmulatedPayment[];
  if (newerId !== undefined) {
    const newer = all.filter((p) => p.id > newerId);
    page = newer.slice(Math.max(0, newer.length - count));
  } else {
    page = all.filter((p) => olderId === undefined || p.id < olderId).slice(0, count);
  }
  const base = `/v1${request.path}`;
  const first = page[0];
  const last = page.at(-1);
  const hasNewer = first !== undefined && all[0]!.id > first.id;
  const hasOlder = last !== undefined && all.at(-1)!.id < last.id;
  const owner = emulation.state.users.get(account.userId)!;
  return {
    body: {
      Response: page.map((p) => paymentObject(p, account.iban, owner.displayName)),
      Pagination: {
        future_url: first && !hasNewer ? `${base}?count=${count}&newer_id=${first.id}` : null,
        newer_url: first && hasNewer ? `${base}?count=${count}&newer_id=${first.id}` : null,
        older_url: last && hasOlder ? `${base}?count=${count}&older_id=${last.id}` : null,
      },
    },
  };
}

const createBody = z.object({
  amount: z.object({ value: z.string(), currency: z.string().length(3) }),
  counterparty_alias: z.object({
    type: z.enum(["IBAN", "EMAIL", "PHONE_NUMBER"]),
    value: z.string().min(1),
    name: z.string().optional(),
  }),
  description: z.string().max(140),
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
  const outgoing = state.book(source, -cents, body.description, {
    iban: body.counterparty_alias.type === "IBAN" ? body.counterparty_alias.value : undefined,
    name: body.counterparty_alias.name ?? body.counterparty_alias.value,
  });
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

/**
 * Payments: pages through bunq's `older_id` pagination, and creates payments between a
 * user's own accounts. A payment POST is never retried blindly: each carries a
 * `merchant_reference` marker of the caller's choosing, and if its outcome is unknown (network
 * failure, 5xx) the account's newest payments are searched for that marker instead.
 */
import { z } from "zod";
import type { ApiContext } from "./api-context.js";
import { unwrapList, unwrapObject } from "./envelope.js";
import { NetworkError, OutcomeUnknownError, ServerError } from "./errors.js";
import { LOOKUP_DEPTH } from "./lookup.js";
import { formatBunqAmount, parseBunqAmount, type Money } from "./money.js";

const MAX_PAGE_SIZE = 200;

/** A payment's fields as bunq sends them (GET payment and callbacks alike). */
export const paymentFields = z.object({
  id: z.number().int(),
  created: z.string(),
  monetary_account_id: z.number().int().optional(),
  amount: z.object({ value: z.string(), currency: z.string() }),
  description: z.string().optional().default(""),
  merchant_reference: z.string().nullable().optional(),
  type: z.string().optional(),
  alias: z.object({ iban: z.string().nullable().optional() }).passthrough().optional(),
  counterparty_alias: z
    .object({ iban: z.string().nullable().optional(), display_name: z.string().optional() })
    .passthrough()
    .optional(),
  balance_after_mutation: z.object({ value: z.string(), currency: z.string() }).optional(),
});
const paymentSchema = z.object({ Payment: paymentFields });

export interface Payment {
  readonly id: number;
  readonly created: string;
  /** Negative when money left the account. */
  readonly amount: Money;
  readonly description: string;
  /** The marker its creator attached (ours: see createPayment). */
  readonly merchantReference?: string;
  readonly counterpartyName?: string;
  readonly counterpartyIban?: string;
  readonly balanceAfter?: Money;
}

export interface PaymentPage {
  readonly payments: Payment[];
  /** Pass as `olderId` for the next older page; undefined at the oldest page. */
  readonly olderId?: number;
  /** Pass as `newerId` for the next newer page; undefined at the newest page. */
  readonly newerId?: number;
}

function idFrom(url: string | null | undefined, name: "older_id" | "newer_id"): number | undefined {
  if (!url) return undefined;
  const value = new URL(url, "http://bunq.invalid").searchParams.get(name);
  return value === null ? undefined : Number(value);
}

/** Strict on amounts: a malformed one throws (AmountError) rather than being guessed. */
export function toPayment(p: z.infer<typeof paymentFields>): Payment {
  return {
    id: p.id,
    created: p.created,
    amount: parseBunqAmount(p.amount.value, p.amount.currency),
    description: p.description,
    merchantReference: p.merchant_reference ?? undefined,
    counterpartyName: p.counterparty_alias?.display_name,
    counterpartyIban: p.counterparty_alias?.iban ?? undefined,
    balanceAfter: p.balance_after_mutation
      ? parseBunqAmount(p.balance_after_mutation.value, p.balance_after_mutation.currency)
      : undefined,
  };
}

/** One page, newest first, following bunq's documented Pagination URLs. */
export async function listPaymentsPage(
  context: ApiContext,
  accountId: number,
  options: { count?: number; olderId?: number; newerId?: number } = {},
): Promise<PaymentPage> {
  const response = await context.send({
    method: "GET",
    path: `/user/{userId}/monetary-account/${accountId}/payment`,
    query: {
      count: Math.min(options.count ?? 10, MAX_PAGE_SIZE),
      older_id: options.olderId,
      newer_id: options.newerId,
    },
    idempotent: true,
  });
  const { items, pagination } = unwrapList(response.body, paymentSchema);
  return {
    payments: items.map((item) => toPayment(item.Payment)),
    olderId: idFrom(pagination?.older_url, "older_id"),
    newerId: idFrom(pagination?.newer_url, "newer_id"),
  };
}

/** Every payment of an account, newest first, fetched `pageSize` at a time. */
export async function* iteratePayments(
  context: ApiContext,
  accountId: number,
  pageSize = MAX_PAGE_SIZE,
): AsyncGenerator<Payment> {
  let olderId: number | undefined;
  do {
    const page = await listPaymentsPage(context, accountId, { count: pageSize, olderId });
    yield* page.payments;
    olderId = page.olderId;
  } while (olderId !== undefined);
}

export interface NewPayment {
  readonly fromAccountId: number;
  readonly amount: Money;
  readonly toIban: string;
  readonly toName: string;
  readonly description: string;
  /** Unique per payment; how the payment is found again when bunq's answer is lost. */
  readonly merchantReference: string;
  /** See BunqRequest.beforeSend. */
  readonly beforeSend?: () => Promise<void>;
}

/**
 * Creates (signed) a payment and returns its id. If bunq's answer is lost, the payment is
 * looked up by its marker; when it is not there the error says the outcome is unknown rather
 * than pretending it failed, so nobody pays twice by trying again.
 */
export async function createPayment(context: ApiContext, payment: NewPayment): Promise<number> {
  try {
    const response = await context.send({
      method: "POST",
      path: `/user/{userId}/monetary-account/${payment.fromAccountId}/payment`,
      body: {
        amount: { value: formatBunqAmount(payment.amount), currency: payment.amount.currency },
        counterparty_alias: { type: "IBAN", value: payment.toIban, name: payment.toName },
        description: payment.description,
        merchant_reference: payment.merchantReference,
      },
      sign: true,
      beforeSend: payment.beforeSend,
    });
    return unwrapObject(response.body, z.object({ Id: z.object({ id: z.number().int() }) })).Id.id;
  } catch (error) {
    if (!(error instanceof NetworkError || error instanceof ServerError)) throw error;
    const found = await findPaymentByReference(
      context,
      payment.fromAccountId,
      payment.merchantReference,
    ).catch(() => undefined);
    if (found !== undefined) return found.id;
    throw new OutcomeUnknownError(
      "bunq did not confirm the payment and it is not in the account's history yet; check before trying again",
      { ...error },
      { cause: error },
    );
  }
}

/** The account's payment carrying `merchantReference` among its newest, if any. */
export async function findPaymentByReference(
  context: ApiContext,
  accountId: number,
  merchantReference: string,
): Promise<Payment | undefined> {
  const page = await listPaymentsPage(context, accountId, { count: LOOKUP_DEPTH });
  return page.payments.find((candidate) => candidate.merchantReference === merchantReference);
}

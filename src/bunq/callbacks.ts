/**
 * bunq's callbacks (`{"NotificationUrl": {category, event_type, object}}`), parsed at the edge
 * into typed events. bunq does not sign callbacks, so parsing is strict: an unknown category, an
 * object of another kind than its category carries, or an amount that is not plainly a number
 * is refused — the caller then stores and shows nothing.
 */
import { z } from "zod";
import { parseBunqAmount, type Money } from "./money.js";
import { paymentFields, toPayment, type Payment } from "./payments.js";

/** The categories this bot registers (see services/notifications/registration.ts). */
export const CALLBACK_CATEGORIES = [
  "MUTATION",
  "PAYMENT",
  "DRAFT_PAYMENT",
  "REQUEST",
  "BUNQME_TAB",
  "OAUTH",
] as const;
export type CallbackCategory = (typeof CALLBACK_CATEGORIES)[number];

/** Why a callback body was refused; never echoes the body. */
export class CallbackRejectedError extends Error {
  override name = "CallbackRejectedError";
}

/** An ISO 4217 code as parseBunqAmount takes it (anything else would throw a RangeError there). */
const amount = z.object({ value: z.string(), currency: z.string().regex(/^[A-Z]{3}$/) });
const callbackPayment = paymentFields.extend({ amount, balance_after_mutation: amount.optional() });
const counterparty = z
  .object({ display_name: z.string().optional(), iban: z.string().nullable().optional() })
  .passthrough();

const draftFields = z.object({
  id: z.number().int(),
  monetary_account_id: z.number().int(),
  status: z.string().min(1),
  entries: z
    .array(
      z.object({
        amount,
        counterparty_alias: counterparty.optional(),
        description: z.string().optional().default(""),
        merchant_reference: z.string().nullable().optional(),
      }),
    )
    .default([]),
});

const requestFields = z.object({
  id: z.number().int(),
  monetary_account_id: z.number().int(),
  status: z.string().min(1),
  amount_inquired: amount,
  counterparty_alias: counterparty.optional(),
  description: z.string().optional().default(""),
  merchant_reference: z.string().nullable().optional(),
});

/** bunq's spec gives a result inquiry's payment unwrapped; take a wrapped one too. */
const resultPayment = z.union([
  z.object({ Payment: callbackPayment }).transform((p) => p.Payment),
  callbackPayment,
]);

const tabFields = z.object({
  id: z.number().int(),
  monetary_account_id: z.number().int(),
  status: z.string().min(1),
  bunqme_tab_entry: z.object({ amount_inquired: amount, description: z.string().optional().default("") }),
  result_inquiries: z.array(z.object({ payment: resultPayment })).default([]),
});

const anchoredUser = z.record(z.string(), z.object({ id: z.number().int() }).passthrough());
const apiKeyFields = z.object({
  id: z.number().int(),
  granted_by_user: anchoredUser.optional(),
});

const envelope = z.object({
  NotificationUrl: z.object({
    category: z.string(),
    event_type: z.string().min(1).max(100),
    object: z.record(z.string(), z.unknown()),
  }),
});

export interface PaidResult {
  readonly paymentId: number;
  readonly amount: Money;
  readonly payerName?: string;
}

export type CallbackEvent =
  | {
      readonly kind: "payment";
      readonly accountId: number;
      readonly ownIban?: string;
      readonly payment: Payment;
    }
  | {
      readonly kind: "draft";
      readonly accountId: number;
      readonly status: string;
      readonly entries: readonly {
        readonly amount: Money;
        readonly counterpartyName?: string;
        readonly description: string;
        readonly merchantReference?: string;
      }[];
    }
  | {
      readonly kind: "request";
      readonly accountId: number;
      readonly status: string;
      readonly amount: Money;
      readonly counterpartyName?: string;
      readonly description: string;
      readonly merchantReference?: string;
    }
  | {
      readonly kind: "bunqme_tab";
      readonly accountId: number;
      readonly status: string;
      readonly amount: Money;
      readonly description: string;
      readonly results: readonly PaidResult[];
    }
  | { readonly kind: "oauth_revoked"; readonly grantedByUserId?: number };

export interface BunqCallback {
  readonly category: CallbackCategory;
  readonly eventType: string;
  /** bunq's object name (Payment, DraftPayment, …) and id: with the state, one event's identity. */
  readonly objectType: string;
  readonly objectId: number;
  /** The object's own state: a request's status, a tab's status and number of payments. */
  readonly objectState: string;
  readonly event: CallbackEvent;
}

/** Which object each category carries. */
const OBJECT_OF: Record<CallbackCategory, readonly string[]> = {
  MUTATION: ["Payment"],
  PAYMENT: ["Payment"],
  DRAFT_PAYMENT: ["DraftPayment"],
  REQUEST: ["RequestInquiry"],
  BUNQME_TAB: ["BunqMeTab"],
  OAUTH: ["UserApiKey"],
};

const isCategory = (value: string): value is CallbackCategory =>
  (CALLBACK_CATEGORIES as readonly string[]).includes(value);

function fields<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CallbackRejectedError(`malformed ${what}`);
  return parsed.data;
}

/** Parses a callback body; throws CallbackRejectedError (amounts: AmountError) when it is not one. */
export function parseCallback(body: unknown): BunqCallback {
  const { NotificationUrl: note } = fields(envelope, body, "callback");
  if (!isCategory(note.category)) throw new CallbackRejectedError("unknown category");
  const entries = Object.entries(note.object);
  const [objectType, object] = entries.length === 1 ? entries[0]! : [];
  if (!objectType || !OBJECT_OF[note.category].includes(objectType)) {
    throw new CallbackRejectedError(`unexpected object for ${note.category}`);
  }
  const base = { category: note.category, eventType: note.event_type, objectType };
  switch (objectType) {
    case "Payment": {
      const p = fields(callbackPayment, object, "payment");
      if (p.monetary_account_id === undefined) throw new CallbackRejectedError("payment without account");
      return {
        ...base,
        objectId: p.id,
        objectState: "booked",
        event: {
          kind: "payment",
          accountId: p.monetary_account_id,
          ...(p.alias?.iban ? { ownIban: p.alias.iban } : {}),
          payment: toPayment(p),
        },
      };
    }
    case "DraftPayment": {
      const d = fields(draftFields, object, "draft payment");
      return {
        ...base,
        objectId: d.id,
        objectState: d.status,
        event: {
          kind: "draft",
          accountId: d.monetary_account_id,
          status: d.status,
          entries: d.entries.map((e) => ({
            amount: parseBunqAmount(e.amount.value, e.amount.currency),
            counterpartyName: e.counterparty_alias?.display_name,
            description: e.description,
            merchantReference: e.merchant_reference ?? undefined,
          })),
        },
      };
    }
    case "RequestInquiry": {
      const r = fields(requestFields, object, "request");
      return {
        ...base,
        objectId: r.id,
        objectState: r.status,
        event: {
          kind: "request",
          accountId: r.monetary_account_id,
          status: r.status,
          amount: parseBunqAmount(r.amount_inquired.value, r.amount_inquired.currency),
          counterpartyName: r.counterparty_alias?.display_name,
          description: r.description,
          merchantReference: r.merchant_reference ?? undefined,
        },
      };
    }
    case "BunqMeTab": {
      const t = fields(tabFields, object, "bunq.me tab");
      const entry = t.bunqme_tab_entry;
      return {
        ...base,
        objectId: t.id,
        objectState: `${t.status}:${t.result_inquiries.length}`,
        event: {
          kind: "bunqme_tab",
          accountId: t.monetary_account_id,
          status: t.status,
          amount: parseBunqAmount(entry.amount_inquired.value, entry.amount_inquired.currency),
          description: entry.description,
          results: t.result_inquiries.map(({ payment }) => ({
            paymentId: payment.id,
            amount: parseBunqAmount(payment.amount.value, payment.amount.currency),
            payerName: payment.counterparty_alias?.display_name,
          })),
        },
      };
    }
    default: {
      const key = fields(apiKeyFields, object, "OAuth grant");
      const grantedBy = Object.values(key.granted_by_user ?? {})[0];
      return {
        ...base,
        objectId: key.id,
        objectState: "revoked",
        event: { kind: "oauth_revoked", ...(grantedBy ? { grantedByUserId: grantedBy.id } : {}) },
      };
    }
  }
}

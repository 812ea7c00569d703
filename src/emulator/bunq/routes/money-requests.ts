/**
 * Money that waits for someone: draft payments (approved by the account holder — here through
 * the control API), request-inquiries (with a bunq.me fallback link; sugardaddy@bunq.com pays
 * at once, as in bunq's sandbox) and bunq.me tabs (paid through the control API). Every change
 * of state is a callback carrying the object as its GET returns it.
 */
import { z } from "zod";
import { BunqHttpError, badRequest, notFound } from "../errors.js";
import { amount, parseCents } from "../format.js";
import { respond, type ApiRequest, type ApiRoute, type Emulation } from "../router.js";
import {
  randomToken,
  type BunqMeTab,
  type DraftPayment,
  type EmulatedPayment,
  type EmulatorState,
  type RequestInquiry,
} from "../state.js";
import { ownAccount } from "./owner.js";
import { newestFirst, paginate } from "./pagination.js";
import { paymentObject } from "./payments.js";

const SUGAR_DADDY = "sugardaddy@bunq.com";
const BUNQME_BASE = "https://bunq.me/";

const money = z.object({ value: z.string(), currency: z.string().length(3) });
const alias = z.object({
  type: z.enum(["IBAN", "EMAIL", "PHONE_NUMBER"]),
  value: z.string().min(1),
  name: z.string().optional(),
});

function parse<T>(schema: z.ZodType<T>, json: unknown): T {
  const result = schema.safeParse(json);
  if (!result.success)
    throw badRequest(`Invalid or missing field "${result.error.issues[0]?.path.join(".") || "body"}".`);
  return result.data;
}

function positiveCents(value: string): bigint {
  const cents = parseCents(value);
  if (cents === undefined || cents <= 0n)
    throw badRequest("The amount must be a positive value with at most 2 decimals.");
  return cents;
}

const aliasObject = (a: { type: string; value: string; name?: string }) => ({
  [a.type === "IBAN" ? "iban" : a.type === "EMAIL" ? "email" : "phone_number"]: a.value,
  display_name: a.name ?? a.value,
});

function draftObject(draft: DraftPayment, currency: string) {
  return {
    DraftPayment: {
      id: draft.id,
      monetary_account_id: draft.accountId,
      status: draft.status,
      type: "DRAFT_PAYMENT",
      entries: draft.entries.map((e) => ({
        amount: amount(e.amountCents, currency),
        counterparty_alias: aliasObject(e.alias),
        description: e.description,
        ...(e.merchantReference !== undefined ? { merchant_reference: e.merchantReference } : {}),
      })),
      responses: [],
    },
  };
}

function requestObject(request: RequestInquiry) {
  return {
    RequestInquiry: {
      id: request.id,
      monetary_account_id: request.accountId,
      status: request.status,
      amount_inquired: amount(request.amountCents, request.currency),
      counterparty_alias: aliasObject(request.alias),
      description: request.description,
      ...(request.merchantReference !== undefined ? { merchant_reference: request.merchantReference } : {}),
      ...(request.shareUrl ? { bunqme_share_url: request.shareUrl } : {}),
    },
  };
}

/**
 * A tab with its result inquiries: one per payment made on it, holding the payment as GET
 * payment shows it (unwrapped, as the spec's BunqMeTabResultInquiry.payment says).
 */
function tabObject(state: EmulatorState, tab: BunqMeTab) {
  const account = state.accounts.get(tab.accountId)!;
  const ownerName = state.users.get(account.userId)?.displayName ?? "";
  const payments = tab.resultPaymentIds.flatMap((id) => state.payments.find((p) => p.id === id) ?? []);
  return {
    BunqMeTab: {
      id: tab.id,
      monetary_account_id: tab.accountId,
      status: tab.status,
      bunqme_tab_share_url: tab.shareUrl,
      bunqme_tab_entry: {
        amount_inquired: amount(tab.amountCents, tab.currency),
        description: tab.description,
      },
      result_inquiries: payments.map((payment) => ({
        payment: paymentObject(payment, account.iban, ownerName).Payment,
        bunq_me_tab_id: tab.id,
      })),
    },
  };
}

/** Tells the owner's DRAFT_PAYMENT filters what became of a draft. */
function draftEvent(state: EmulatorState, draft: DraftPayment, eventType: string): void {
  const account = state.accounts.get(draft.accountId)!;
  state.onEvent({
    userId: account.userId,
    accountId: account.id,
    category: "DRAFT_PAYMENT",
    eventType,
    object: draftObject(draft, account.currency),
  });
}

/** Tells the owner's REQUEST filters what became of a request-inquiry. */
function requestEvent(state: EmulatorState, request: RequestInquiry, eventType: string): void {
  state.onEvent({
    userId: state.accounts.get(request.accountId)!.userId,
    accountId: request.accountId,
    category: "REQUEST",
    eventType,
    object: requestObject(request),
  });
}

/** Tells the owner's BUNQME_TAB filters about a tab, as it is now. */
function tabEvent(state: EmulatorState, tab: BunqMeTab, eventType: string): void {
  state.onEvent({
    userId: state.accounts.get(tab.accountId)!.userId,
    accountId: tab.accountId,
    category: "BUNQME_TAB",
    eventType,
    object: tabObject(state, tab),
  });
}

/** Executes an accepted draft: money leaves now; an IBAN of an emulated account receives it. */
export function executeDraft(state: EmulatorState, draft: DraftPayment): void {
  const account = state.accounts.get(draft.accountId)!;
  const total = draft.entries.reduce((sum, e) => sum + e.amountCents, 0n);
  if (account.balanceCents < total) throw new Error("insufficient balance");
  const owner = state.users.get(account.userId)!;
  for (const entry of draft.entries) {
    const payment = state.book(
      account,
      -entry.amountCents,
      entry.description,
      {
        iban: entry.alias.type === "IBAN" ? entry.alias.value : undefined,
        name: entry.alias.name ?? entry.alias.value,
      },
      { merchantReference: entry.merchantReference },
    );
    draft.paymentIds.push(payment.id);
    const target = [...state.accounts.values()].find(
      (a) => entry.alias.type === "IBAN" && a.iban === entry.alias.value,
    );
    if (target)
      state.book(target, entry.amountCents, entry.description, {
        iban: account.iban,
        name: owner.displayName,
      });
  }
  draft.status = "ACCEPTED";
  draftEvent(state, draft, "DRAFT_PAYMENT_ACCEPTED");
}

/** The account holder turns a draft down: no money moves. */
export function rejectDraft(state: EmulatorState, draft: DraftPayment): void {
  draft.status = "REJECTED";
  draftEvent(state, draft, "DRAFT_PAYMENT_REJECTED");
}

/**
 * The requested money arrives (sugardaddy, or the control API playing the payer). Money that
 * pays a request is a MUTATION only: bunq's PAYMENT category leaves it out.
 */
export function payRequest(state: EmulatorState, request: RequestInquiry): void {
  const account = state.accounts.get(request.accountId)!;
  // bunq: the reference "was attached to the request and the mutation".
  state.book(
    account,
    request.amountCents,
    request.description,
    { name: request.alias.name ?? request.alias.value },
    { merchantReference: request.merchantReference, mutationOnly: true },
  );
  request.status = "ACCEPTED";
  requestEvent(state, request, "REQUEST_INQUIRY_ACCEPTED");
}

/** The payer turns the request down. */
export function rejectRequest(state: EmulatorState, request: RequestInquiry): void {
  request.status = "REJECTED";
  requestEvent(state, request, "REQUEST_INQUIRY_REJECTED");
}

/**
 * Someone pays a bunq.me tab (the control API plays the payer): the money arrives as a
 * MUTATION only (a tab is a request), the tab gains a result inquiry, and its BUNQME_TAB
 * filters get the tab as it now is.
 */
export function payTab(
  state: EmulatorState,
  tab: BunqMeTab,
  amountCents: bigint,
  payerName: string,
): EmulatedPayment {
  const account = state.accounts.get(tab.accountId)!;
  const payment = state.book(
    account,
    amountCents,
    tab.description,
    { name: payerName },
    { mutationOnly: true },
  );
  tab.resultPaymentIds.push(payment.id);
  tabEvent(state, tab, "BUNQME_TAB_RESULT_INQUIRY_CREATED");
  return payment;
}

function owned<T extends { accountId: number }>(
  map: Map<number, T>,
  request: ApiRequest,
  emulation: Emulation,
  what: string,
) {
  const account = ownAccount(request, emulation);
  const item = map.get(Number(request.params.itemId));
  if (!item || item.accountId !== account.id) throw notFound(what);
  return item;
}

/** The account's items, newest first, one page at a time. */
function list<T extends { readonly id: number; readonly accountId: number }>(
  map: Map<number, T>,
  request: ApiRequest,
  emulation: Emulation,
  toObject: (item: T, currency: string) => Record<string, unknown>,
) {
  const account = ownAccount(request, emulation);
  const items = newestFirst([...map.values()].filter((item) => item.accountId === account.id));
  return paginate(request, items, (item) => toObject(item, account.currency));
}

const BASE = "/user/:userId/monetary-account/:accountId";

export const moneyRequestRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: `${BASE}/draft-payment`,
    auth: "session",
    handle(request, emulation) {
      const account = ownAccount(request, emulation);
      const body = parse(
        z.object({
          entries: z
            .array(
              z.object({
                amount: money,
                counterparty_alias: alias,
                description: z.string().max(140).default(""),
                merchant_reference: z.string().optional(),
              }),
            )
            .min(1),
          number_of_required_accepts: z.number().int().min(1),
        }),
        request.json,
      );
      if (body.entries.some((e) => e.amount.currency !== account.currency))
        throw badRequest("The currency does not match the monetary account.");
      const draft: DraftPayment = {
        id: emulation.state.nextId(),
        accountId: account.id,
        entries: body.entries.map((e) => ({
          amountCents: positiveCents(e.amount.value),
          alias: e.counterparty_alias,
          description: e.description,
          ...(e.merchant_reference !== undefined ? { merchantReference: e.merchant_reference } : {}),
        })),
        status: "PENDING",
        paymentIds: [],
      };
      emulation.state.drafts.set(draft.id, draft);
      draftEvent(emulation.state, draft, "DRAFT_PAYMENT_CREATED");
      return respond({ Id: { id: draft.id } });
    },
  },
  {
    method: "GET",
    path: `${BASE}/draft-payment`,
    auth: "session",
    handle: (request, emulation) => list(emulation.state.drafts, request, emulation, draftObject),
  },
  {
    method: "GET",
    path: `${BASE}/draft-payment/:itemId`,
    auth: "session",
    handle(request, emulation) {
      const draft = owned(emulation.state.drafts, request, emulation, "draft payment");
      return respond(draftObject(draft, emulation.state.accounts.get(draft.accountId)!.currency));
    },
  },
  {
    method: "POST",
    path: `${BASE}/request-inquiry`,
    auth: "session",
    handle(request, emulation) {
      const account = ownAccount(request, emulation);
      const body = parse(
        z.object({
          amount_inquired: money,
          counterparty_alias: alias,
          description: z.string().max(140),
          allow_bunqme: z.boolean(),
          merchant_reference: z.string().optional(),
        }),
        request.json,
      );
      if (body.amount_inquired.currency !== account.currency)
        throw badRequest("The currency does not match the monetary account.");
      const fromSugarDaddy =
        body.counterparty_alias.type === "EMAIL" &&
        body.counterparty_alias.value.toLowerCase() === SUGAR_DADDY;
      // Refused before anything exists, so no callback tells of a request the client was refused.
      if (fromSugarDaddy && positiveCents(body.amount_inquired.value) > 50_000n)
        throw new BunqHttpError(400, "Sugar daddy gives at most 500.00 at a time.");
      const inquiry: RequestInquiry = {
        id: emulation.state.nextId(),
        accountId: account.id,
        amountCents: positiveCents(body.amount_inquired.value),
        currency: account.currency,
        alias: body.counterparty_alias,
        description: body.description,
        shareUrl: body.allow_bunqme ? `${BUNQME_BASE}request/${randomToken().slice(0, 16)}` : undefined,
        ...(body.merchant_reference !== undefined ? { merchantReference: body.merchant_reference } : {}),
        status: "PENDING",
      };
      emulation.state.requests.set(inquiry.id, inquiry);
      requestEvent(emulation.state, inquiry, "REQUEST_INQUIRY_CREATED");
      if (fromSugarDaddy) payRequest(emulation.state, inquiry);
      return respond({ Id: { id: inquiry.id } });
    },
  },
  {
    method: "GET",
    path: `${BASE}/request-inquiry`,
    auth: "session",
    handle: (request, emulation) => list(emulation.state.requests, request, emulation, requestObject),
  },
  {
    method: "GET",
    path: `${BASE}/request-inquiry/:itemId`,
    auth: "session",
    handle: (request, emulation) =>
      respond(requestObject(owned(emulation.state.requests, request, emulation, "request"))),
  },
  {
    method: "PUT",
    path: `${BASE}/request-inquiry/:itemId`,
    auth: "session",
    handle(request, emulation) {
      const inquiry = owned(emulation.state.requests, request, emulation, "request");
      parse(z.object({ status: z.literal("REVOKED") }).passthrough(), request.json);
      if (inquiry.status !== "PENDING") throw badRequest("Only a pending request can be revoked.");
      inquiry.status = "REVOKED";
      requestEvent(emulation.state, inquiry, "REQUEST_INQUIRY_REVOKED");
      return respond({ Id: { id: inquiry.id } });
    },
  },
  {
    method: "POST",
    path: `${BASE}/bunqme-tab`,
    auth: "session",
    handle(request, emulation) {
      const account = ownAccount(request, emulation);
      const body = parse(
        z.object({
          bunqme_tab_entry: z.object({
            amount_inquired: money,
            description: z.string().max(140),
            redirect_url: z.string().optional(),
          }),
        }),
        request.json,
      );
      const tab: BunqMeTab = {
        id: emulation.state.nextId(),
        accountId: account.id,
        amountCents: positiveCents(body.bunqme_tab_entry.amount_inquired.value),
        currency: account.currency,
        description: body.bunqme_tab_entry.description,
        shareUrl: `${BUNQME_BASE}tab/${randomToken().slice(0, 16)}`,
        status: "WAITING_FOR_PAYMENT",
        resultPaymentIds: [],
      };
      emulation.state.tabs.set(tab.id, tab);
      tabEvent(emulation.state, tab, "BUNQME_TAB_CREATED");
      return respond({ Id: { id: tab.id } });
    },
  },
  {
    method: "GET",
    path: `${BASE}/bunqme-tab`,
    auth: "session",
    handle: (request, emulation) =>
      list(emulation.state.tabs, request, emulation, (tab) => tabObject(emulation.state, tab)),
  },
  {
    method: "GET",
    path: `${BASE}/bunqme-tab/:itemId`,
    auth: "session",
    handle: (request, emulation) =>
      respond(tabObject(emulation.state, owned(emulation.state.tabs, request, emulation, "bunq.me tab"))),
  },
  {
    method: "PUT",
    path: `${BASE}/bunqme-tab/:itemId`,
    auth: "session",
    handle(request, emulation) {
      const tab = owned(emulation.state.tabs, request, emulation, "bunq.me tab");
      parse(z.object({ status: z.literal("CANCELLED") }).passthrough(), request.json);
      // Cancelling again changes nothing, so it tells nobody anything.
      if (tab.status !== "CANCELLED") {
        tab.status = "CANCELLED";
        tabEvent(emulation.state, tab, "BUNQME_TAB_CANCELLED");
      }
      return respond({ Id: { id: tab.id } });
    },
  },
];

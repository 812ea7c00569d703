/**
 * Money that waits for someone: draft payments (approved by the account holder — here through
 * the control API), request-inquiries (with a bunq.me fallback link; sugardaddy@bunq.com pays
 * at once, as in bunq's sandbox) and bunq.me tabs.
 */
import { z } from "zod";
import { BunqHttpError, badRequest, notFound } from "../errors.js";
import { amount, parseCents } from "../format.js";
import { respond, type ApiRequest, type ApiRoute, type Emulation } from "../router.js";
import {
  randomToken,
  type BunqMeTab,
  type DraftPayment,
  type EmulatorState,
  type RequestInquiry,
} from "../state.js";
import { ownAccount } from "./owner.js";
import { newestFirst, paginate } from "./pagination.js";

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

function tabObject(tab: BunqMeTab) {
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
      result_inquiries: [],
    },
  };
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
      entry.merchantReference,
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
  state.onEvent({
    userId: account.userId,
    accountId: account.id,
    category: "DRAFT_PAYMENT",
    eventType: "DRAFT_PAYMENT_ACCEPTED",
    object: draftObject(draft, account.currency),
  });
}

/** The requested money arrives (sugardaddy, or the control API playing the payer). */
export function payRequest(state: EmulatorState, request: RequestInquiry): void {
  const account = state.accounts.get(request.accountId)!;
  // bunq: the reference "was attached to the request and the mutation".
  state.book(
    account,
    request.amountCents,
    request.description,
    { name: request.alias.name ?? request.alias.value },
    request.merchantReference,
  );
  request.status = "ACCEPTED";
  state.onEvent({
    userId: account.userId,
    accountId: account.id,
    category: "REQUEST",
    eventType: "REQUEST_INQUIRY_ACCEPTED",
    object: requestObject(request),
  });
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
      emulation.state.onEvent({
        userId: account.userId,
        accountId: account.id,
        category: "DRAFT_PAYMENT",
        eventType: "DRAFT_PAYMENT_CREATED",
        object: draftObject(draft, account.currency),
      });
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
      emulation.state.onEvent({
        userId: account.userId,
        accountId: account.id,
        category: "REQUEST",
        eventType: "REQUEST_INQUIRY_CREATED",
        object: requestObject(inquiry),
      });
      if (inquiry.alias.type === "EMAIL" && inquiry.alias.value.toLowerCase() === SUGAR_DADDY) {
        if (inquiry.amountCents > 50_000n)
          throw new BunqHttpError(400, "Sugar daddy gives at most 500.00 at a time.");
        payRequest(emulation.state, inquiry);
      }
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
      };
      emulation.state.tabs.set(tab.id, tab);
      emulation.state.onEvent({
        userId: account.userId,
        accountId: account.id,
        category: "BUNQME_TAB",
        eventType: "BUNQME_TAB_CREATED",
        object: tabObject(tab),
      });
      return respond({ Id: { id: tab.id } });
    },
  },
  {
    method: "GET",
    path: `${BASE}/bunqme-tab`,
    auth: "session",
    handle: (request, emulation) => list(emulation.state.tabs, request, emulation, tabObject),
  },
  {
    method: "GET",
    path: `${BASE}/bunqme-tab/:itemId`,
    auth: "session",
    handle: (request, emulation) =>
      respond(tabObject(owned(emulation.state.tabs, request, emulation, "bunq.me tab"))),
  },
  {
    method: "PUT",
    path: `${BASE}/bunqme-tab/:itemId`,
    auth: "session",
    handle(request, emulation) {
      const tab = owned(emulation.state.tabs, request, emulation, "bunq.me tab");
      parse(z.object({ status: z.literal("CANCELLED") }).passthrough(), request.json);
      tab.status = "CANCELLED";
      const owner = emulation.state.accounts.get(tab.accountId)!.userId;
      emulation.state.onEvent({
        userId: owner,
        accountId: tab.accountId,
        category: "BUNQME_TAB",
        eventType: "BUNQME_TAB_CANCELLED",
        object: tabObject(tab),
      });
      return respond({ Id: { id: tab.id } });
    },
  },
];

/**
 * The control API under /_emulator — clearly not bunq — for tests and the demo: create users
 * with accounts and history, inspect state, play the other side (payers, the account holder's
 * app), inject faults, read the request and callback logs, reset.
 */
import { z } from "zod";
import { FAULT_KINDS, type FaultBox, type FaultKind } from "./faults.js";
import { formatCents, parseCents } from "./format.js";
import { bunqIban } from "./iban.js";
import { decide } from "./oauth.js";
import { executeDraft, payRequest, payTab, rejectDraft, rejectRequest } from "./routes/money-requests.js";
import { crowdedCategory, removeFiltersOfGrant, TOO_MANY_URLS } from "./routes/notification-filters.js";
import {
  randomToken,
  type AccountKind,
  type EmulatorState,
  type NotificationFilter,
  type OAuthGrant,
} from "./state.js";
import { userApiKeyObject } from "./users.js";

export interface LoggedRequest {
  readonly id: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly at: string;
  readonly authenticated_as?: number;
  /** The injected fault that struck this request, if any. */
  readonly fault?: FaultKind;
}

const KINDS: Record<string, AccountKind> = {
  bank: "MonetaryAccountBank",
  savings: "MonetaryAccountSavings",
  joint: "MonetaryAccountJoint",
};

const newUser = z.object({
  display_name: z.string().default("Sandbox User"),
  session_timeout: z.number().int().positive().default(604_800),
  kind: z.enum(["UserPerson", "UserCompany"]).default("UserPerson"),
  accounts: z
    .array(
      z.object({
        type: z.enum(["bank", "savings", "joint"]).default("bank"),
        description: z.string().optional(),
        balance: z.string().default("100.00"),
        currency: z.string().default("EUR"),
      }),
    )
    .default([{ type: "bank", balance: "100.00", currency: "EUR" }]),
});

const bulkPayments = z.object({
  monetary_account_id: z.number().int(),
  count: z.number().int().min(1).max(10_000),
  amount: z.string().default("-1.00"),
});

const incomingPayment = z.object({
  amount: z.string(),
  description: z.string().default("Payment"),
  counterparty_name: z.string().min(1).default("J. Stranger"),
  counterparty_iban: z.string().min(1).default("NL02ABNA0123456789"),
});

const newFault = z.object({
  method: z.string().optional(),
  path: z.string().optional(),
  kind: z.enum(FAULT_KINDS),
  status: z.number().int().optional(),
  ms: z.number().int().optional(),
  times: z.number().int().min(1).default(1),
});

const tabPayment = z.object({
  amount: z.string().optional(),
  payer_name: z.string().min(1).default("J. Payer"),
});

const callbackSettings = z.object({ deliveries: z.number().int().min(1).max(10).default(1) });

const filterSeed = z.object({
  account_id: z.number().int().optional(),
  filters: z.array(z.object({ category: z.string().min(1), target: z.string().url() })).min(1),
});

const authorizeShortcut = z.object({
  client_id: z.string(),
  redirect_uri: z.string(),
  state: z.string().default(""),
  user_id: z.number().int(),
  approve: z.boolean().default(true),
});

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, json: unknown): T {
  const result = schema.safeParse(json ?? {});
  if (!result.success)
    throw new ControlError(
      400,
      result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  return result.data;
}

export function createUser(state: EmulatorState, input: z.input<typeof newUser>) {
  const spec = parse(newUser, input);
  const user = {
    id: state.nextId(),
    kind: spec.kind,
    displayName: spec.display_name,
    sessionTimeout: spec.session_timeout,
    apiKey: `sandbox_${randomToken()}`,
  };
  state.users.set(user.id, user);
  const accounts = spec.accounts.map((a) => {
    const balance = parseCents(a.balance);
    if (balance === undefined) throw new ControlError(400, `accounts.balance: not an amount: ${a.balance}`);
    const id = state.nextId();
    const account = {
      id,
      userId: user.id,
      kind: KINDS[a.type]!,
      description: a.description ?? `${a.type[0]!.toUpperCase()}${a.type.slice(1)} account`,
      currency: a.currency,
      balanceCents: balance,
      iban: bunqIban(id),
      status: "ACTIVE" as const,
      created: new Date(),
    };
    state.accounts.set(id, account);
    return { id, iban: account.iban, type: a.type };
  });
  return { user_id: user.id, api_key: user.apiKey, accounts };
}

/** A filter as the control API shows it: `grant_id` names the OAuth grant that wrote it. */
const filterView = (f: NotificationFilter) => ({
  category: f.category,
  target: f.target,
  ...(f.grantId !== undefined ? { grant_id: f.grantId } : {}),
});

/**
 * The user removes an app in the bunq app. bunq tells the app (its OAUTH filters, and only
 * its), then stops calling it: the filters it wrote go, and its token and sessions stop working.
 */
function revokeGrant(state: EmulatorState, grant: OAuthGrant): number {
  state.onEvent({
    userId: grant.grantedByUserId,
    category: "OAUTH",
    eventType: "OAUTH_REVOKED",
    object: userApiKeyObject(state, grant),
    grantId: grant.userApiKeyId,
  });
  state.grants.delete(grant.accessToken);
  for (const [sessionToken, session] of state.sessions) {
    if (session.apiKeyUserId === grant.userApiKeyId) state.sessions.delete(sessionToken);
  }
  return removeFiltersOfGrant(state, grant.userApiKeyId);
}

export interface ControlDeps {
  readonly state: EmulatorState;
  readonly timeScale: number;
  readonly faults: FaultBox;
  readonly log: LoggedRequest[];
  reset(): void;
}

/** Routes a control call; returns the JSON answer or throws ControlError. */
export function handleControl(deps: ControlDeps, method: string, path: string, json: unknown): unknown {
  const { state } = deps;
  let match: RegExpExecArray | null;
  if (method === "POST" && path === "/reset") {
    deps.reset();
    return { ok: true };
  }
  if (method === "POST" && path === "/users") return createUser(state, json as z.input<typeof newUser>);
  if (method === "GET" && (match = /^\/users\/(\d+)$/.exec(path))) {
    const user = state.users.get(Number(match[1]));
    if (!user) throw new ControlError(404, "no such user");
    return {
      user_id: user.id,
      display_name: user.displayName,
      accounts: state.accountsOf(user.id).map((a) => ({
        id: a.id,
        type: a.kind,
        iban: a.iban,
        description: a.description,
        balance: formatCents(a.balanceCents),
        currency: a.currency,
        status: a.status,
        payments: state.paymentsOf(a.id).length,
      })),
      draft_payments: [...state.drafts.values()]
        .filter((d) => state.accounts.get(d.accountId)?.userId === user.id)
        .map((d) => ({ id: d.id, status: d.status })),
      request_inquiries: [...state.requests.values()]
        .filter((r) => state.accounts.get(r.accountId)?.userId === user.id)
        .map((r) => ({ id: r.id, status: r.status, share_url: r.shareUrl ?? null })),
      bunqme_tabs: [...state.tabs.values()]
        .filter((t) => state.accounts.get(t.accountId)?.userId === user.id)
        .map((t) => ({ id: t.id, status: t.status, share_url: t.shareUrl })),
      active_sessions: [...state.sessions.values()].filter(
        (s) => s.userId === user.id && s.expiresAt > Date.now(),
      ).length,
      notification_filters: [`user:${user.id}`, ...state.accountsOf(user.id).map((a) => `account:${a.id}`)]
        .flatMap((scope) => state.filters.get(scope) ?? [])
        .map(filterView),
    };
  }
  if (method === "GET" && (match = /^\/users\/(\d+)\/money$/.exec(path))) {
    // What the user's accounts hold, object by object with the client's markers: how a test
    // tells whether a payment the bot sent exists at bunq, and how often.
    const userId = Number(match[1]);
    if (!state.users.has(userId)) throw new ControlError(404, "no such user");
    const mine = (accountId: number) => state.accounts.get(accountId)?.userId === userId;
    return {
      payments: state.accountsOf(userId).flatMap((account) =>
        state.paymentsOf(account.id).map((payment) => ({
          id: payment.id,
          account_id: account.id,
          amount: formatCents(payment.amountCents),
          description: payment.description,
          merchant_reference: payment.merchantReference ?? null,
        })),
      ),
      draft_payments: [...state.drafts.values()]
        .filter((draft) => mine(draft.accountId))
        .map((draft) => ({
          id: draft.id,
          status: draft.status,
          entries: draft.entries.map((entry) => ({
            description: entry.description,
            merchant_reference: entry.merchantReference ?? null,
          })),
        })),
    };
  }
  if (method === "POST" && (match = /^\/users\/(\d+)\/notification-filters$/.exec(path))) {
    // Filters some app registered for the user (or one account), as if set through the API.
    const spec = parse(filterSeed, json);
    const userId = Number(match[1]);
    if (!state.users.has(userId)) throw new ControlError(404, "no such user");
    if (spec.account_id !== undefined && state.accounts.get(spec.account_id)?.userId !== userId) {
      throw new ControlError(404, "no such account for that user");
    }
    const scope = spec.account_id === undefined ? `user:${userId}` : `account:${spec.account_id}`;
    const filters = [...(state.filters.get(scope) ?? []), ...spec.filters];
    if (crowdedCategory(filters) !== undefined) throw new ControlError(400, TOO_MANY_URLS);
    state.filters.set(scope, filters);
    return { scope, filters: filters.map(filterView) };
  }
  if (method === "POST" && (match = /^\/users\/(\d+)\/revoke-grants$/.exec(path))) {
    // The user removes the app in the bunq app.
    const userId = Number(match[1]);
    const grants = [...state.grants.values()].filter((grant) => grant.grantedByUserId === userId);
    const filtersRemoved = grants.reduce((sum, grant) => sum + revokeGrant(state, grant), 0);
    return { revoked: grants.length, filters_removed: filtersRemoved };
  }
  if (method === "POST" && (match = /^\/users\/(\d+)\/payments$/.exec(path))) {
    const spec = parse(bulkPayments, json);
    const account = state.accounts.get(spec.monetary_account_id);
    const cents = parseCents(spec.amount);
    if (!account || account.userId !== Number(match[1]))
      throw new ControlError(404, "no such account for that user");
    if (cents === undefined) throw new ControlError(400, "amount: not an amount");
    const ids = Array.from(
      { length: spec.count },
      (_, i) =>
        state.book(account, cents, `Emulated payment ${i + 1}`, {
          iban: "NL91ABNA0417164300",
          name: "Emulated Shop",
        }).id,
    );
    return { payment_ids: ids };
  }
  if (method === "POST" && (match = /^\/accounts\/(\d+)\/incoming-payments$/.exec(path))) {
    // Someone outside bunq pays the user: money arrives, with bunq's callbacks.
    const spec = parse(incomingPayment, json);
    const account = state.accounts.get(Number(match[1]));
    const cents = parseCents(spec.amount);
    if (!account) throw new ControlError(404, "no such account");
    if (cents === undefined || cents <= 0n)
      throw new ControlError(400, "amount: a positive amount like 12.50");
    const payment = state.book(account, cents, spec.description, {
      iban: spec.counterparty_iban,
      name: spec.counterparty_name,
    });
    return { payment_id: payment.id, balance: formatCents(account.balanceCents) };
  }
  if (method === "POST" && path === "/faults") {
    const spec = parse(newFault, json);
    deps.faults.add({
      kind: spec.kind,
      method: spec.method,
      path: spec.path === undefined ? undefined : new RegExp(spec.path),
      status: spec.status,
      ms: spec.ms,
      remaining: spec.times,
    });
    return { ok: true };
  }
  if (method === "DELETE" && path === "/faults") {
    deps.faults.clear();
    return { ok: true };
  }
  if (method === "GET" && path === "/requests") return deps.log;
  if (method === "POST" && path === "/oauth/authorize") {
    const spec = parse(authorizeShortcut, json);
    try {
      return { location: decide(state, deps.timeScale, spec, spec.user_id, spec.approve) };
    } catch (error) {
      throw new ControlError(400, error instanceof Error ? error.message : "invalid");
    }
  }
  if (method === "POST" && (match = /^\/draft-payments\/(\d+)\/(accept|reject)$/.exec(path))) {
    const draft = state.drafts.get(Number(match[1]));
    if (!draft) throw new ControlError(404, "no such draft payment");
    if (draft.status !== "PENDING") throw new ControlError(409, `draft is ${draft.status}`);
    if (match[2] === "reject") rejectDraft(state, draft);
    else {
      try {
        executeDraft(state, draft);
      } catch (error) {
        throw new ControlError(409, error instanceof Error ? error.message : "cannot execute");
      }
    }
    return { id: draft.id, status: draft.status, payment_ids: draft.paymentIds };
  }
  if (method === "POST" && (match = /^\/request-inquiries\/(\d+)\/(accept|reject)$/.exec(path))) {
    const inquiry = state.requests.get(Number(match[1]));
    if (!inquiry) throw new ControlError(404, "no such request");
    if (inquiry.status !== "PENDING") throw new ControlError(409, `request is ${inquiry.status}`);
    if (match[2] === "reject") rejectRequest(state, inquiry);
    else payRequest(state, inquiry);
    return { id: inquiry.id, status: inquiry.status };
  }
  if (method === "POST" && (match = /^\/bunqme-tabs\/(\d+)\/pay$/.exec(path))) {
    // Someone opens the bunq.me link and pays (by default what the tab asks).
    const spec = parse(tabPayment, json);
    const tab = state.tabs.get(Number(match[1]));
    if (!tab) throw new ControlError(404, "no such bunq.me tab");
    const cents = spec.amount === undefined ? tab.amountCents : parseCents(spec.amount);
    if (cents === undefined || cents <= 0n)
      throw new ControlError(400, "amount: a positive amount like 12.50");
    if (tab.status !== "WAITING_FOR_PAYMENT") throw new ControlError(409, `tab is ${tab.status}`);
    const payment = payTab(state, tab, cents, spec.payer_name);
    const account = state.accounts.get(tab.accountId)!;
    return {
      id: tab.id,
      status: tab.status,
      payment_id: payment.id,
      result_inquiries: tab.resultPaymentIds.length,
      balance: formatCents(account.balanceCents),
    };
  }
  if (method === "GET" && path === "/callbacks") return state.callbackLog;
  if (method === "GET" && path === "/callbacks/settings") return { deliveries: state.callbackDeliveries };
  if (method === "POST" && path === "/callbacks/settings") {
    // Every callback is POSTed this many times in a row, as if our answers to bunq were lost.
    state.callbackDeliveries = parse(callbackSettings, json).deliveries;
    return { deliveries: state.callbackDeliveries };
  }
  if (method === "POST" && path === "/sessions/expire") {
    const token = (json as { session_token?: unknown } | undefined)?.session_token;
    for (const session of state.sessions.values()) {
      if (token === undefined || session.token === token) session.expiresAt = 0;
    }
    return { ok: true };
  }
  throw new ControlError(404, `no control route ${method} ${path}`);
}

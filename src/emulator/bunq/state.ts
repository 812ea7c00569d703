/**
 * The emulator's whole world, in memory: users with their accounts and history, and the
 * installations, devices and sessions that API clients hold. Amounts are integer cents.
 */
import { randomBytes } from "node:crypto";
import { paymentObject } from "./routes/payments.js";

export type UserKind = "UserPerson" | "UserCompany" | "UserPaymentServiceProvider";
export type AccountKind = "MonetaryAccountBank" | "MonetaryAccountSavings" | "MonetaryAccountJoint";

export interface EmulatedUser {
  readonly id: number;
  readonly kind: UserKind;
  displayName: string;
  /** Auto-logout time in seconds (bunq's default: one week). */
  sessionTimeout: number;
  readonly apiKey: string;
}

export interface EmulatedAccount {
  readonly id: number;
  readonly userId: number;
  readonly kind: AccountKind;
  description: string;
  readonly currency: string;
  balanceCents: bigint;
  readonly iban: string;
  status: "ACTIVE" | "BLOCKED" | "CANCELLED";
  readonly created: Date;
}

export interface EmulatedPayment {
  readonly id: number;
  readonly accountId: number;
  readonly created: Date;
  readonly amountCents: bigint;
  readonly currency: string;
  readonly description: string;
  readonly counterparty: { readonly iban?: string; readonly name: string };
  readonly balanceAfterCents: bigint;
  readonly type: "BUNQ" | "IDEAL" | "SEPA";
  /** The API client's own reference, kept and returned as given (clients use it to find their payments). */
  readonly merchantReference?: string;
}

export interface Installation {
  readonly id: number;
  readonly token: string;
  readonly clientPublicKeyPem: string;
}

export interface Device {
  readonly id: number;
  readonly installationToken: string;
  /** The API key or OAuth access token registered on this device. */
  readonly secret: string;
}

export interface Session {
  readonly id: number;
  readonly token: string;
  readonly installationToken: string;
  /** Whose data this session sees. */
  readonly userId: number;
  /** For OAuth sessions: the UserApiKey id that goes into URLs. */
  readonly apiKeyUserId?: number;
  expiresAt: number;
}

/** An OAuth access token: a UserApiKey linking the requesting provider and the granting user. */
export interface OAuthGrant {
  readonly accessToken: string;
  readonly userApiKeyId: number;
  readonly requestedByUserId: number;
  readonly grantedByUserId: number;
}

export interface OAuthClient {
  readonly id: number;
  readonly providerUserId: number;
  readonly clientId: string;
  readonly secret: string;
  readonly callbackUrls: { readonly id: number; readonly url: string }[];
}

export interface AuthorizationCode {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly grantedByUserId: number;
  readonly expiresAt: number;
  used: boolean;
}

export interface MoneyAlias {
  readonly type: "IBAN" | "EMAIL" | "PHONE_NUMBER";
  readonly value: string;
  readonly name?: string;
}

export interface DraftPayment {
  readonly id: number;
  readonly accountId: number;
  readonly entries: {
    readonly amountCents: bigint;
    readonly alias: MoneyAlias;
    readonly description: string;
    /** Goes onto the payment the entry becomes. */
    readonly merchantReference?: string;
  }[];
  status: "PENDING" | "ACCEPTED" | "REJECTED";
  paymentIds: number[];
}

export interface RequestInquiry {
  readonly id: number;
  readonly accountId: number;
  readonly amountCents: bigint;
  readonly currency: string;
  readonly alias: MoneyAlias;
  readonly description: string;
  readonly shareUrl?: string;
  /** Goes onto the payment that arrives when the request is paid. */
  readonly merchantReference?: string;
  status: "PENDING" | "ACCEPTED" | "REJECTED" | "REVOKED";
}

export interface BunqMeTab {
  readonly id: number;
  readonly accountId: number;
  readonly amountCents: bigint;
  readonly currency: string;
  readonly description: string;
  readonly shareUrl: string;
  status: "WAITING_FOR_PAYMENT" | "CANCELLED" | "EXPIRED";
  /** The payments made on the tab, oldest first: its `result_inquiries`. */
  readonly resultPaymentIds: number[];
}

export interface NotificationFilter {
  readonly category: string;
  readonly target: string;
  /**
   * The UserApiKey id of the OAuth grant whose session wrote the filter; none for filters the
   * user wrote with an API key (or the control API seeded). bunq stops calling a revoked app,
   * so revoking a grant removes its filters, after telling its OAUTH filters.
   */
  readonly grantId?: number;
}

/** Something happened that callbacks may report. */
export interface EmulatorEvent {
  readonly userId: number;
  readonly accountId?: number;
  readonly category: string;
  readonly eventType: string;
  /** What the matching GET returns, wrapped: `{"Payment": {…}}`, `{"BunqMeTab": {…}}`, … */
  readonly object: Record<string, unknown>;
  /** Only filters this grant wrote hear of it (an app learns of its own revocation, no other's). */
  readonly grantId?: number;
}

/** One POST of a callback to a target, as `GET /_emulator/callbacks` lists it. */
export interface CallbackAttempt {
  readonly target: string;
  readonly category: string;
  readonly event_type: string;
  readonly object_id: number;
  /** 1 for the first POST of this callback to this target, then counting repeats and retries. */
  readonly attempt: number;
  /** The HTTP status the target answered, or null when there was no answer. */
  readonly status: number | null;
  /** When the POST was sent (ISO 8601). */
  readonly at: string;
}

export interface BookOptions {
  /** The API client's reference, kept on the payment. */
  readonly merchantReference?: string;
  /**
   * bunq's PAYMENT category leaves out "payments that result out of paying a Request" (and
   * bunq.me tabs, which are requests too): such money is reported as a MUTATION only.
   */
  readonly mutationOnly?: boolean;
}

export interface CallbackFailure {
  readonly userId: number;
  readonly category: string;
  readonly eventType: string;
  readonly objectId: number;
  readonly target: string;
  readonly responseCode: number | null;
  readonly exceptionMessage: string;
}

export interface Attachment {
  readonly id: number;
  readonly userId: number;
  readonly contentType: string;
  readonly description: string;
  readonly bytes: Buffer;
}

export interface PaymentNote {
  readonly id: number;
  readonly paymentId: number;
  readonly kind: "attachment" | "text";
  readonly attachmentId?: number;
  readonly text: string;
}

export function randomToken(): string {
  return randomBytes(32).toString("hex");
}

export class EmulatorState {
  #nextId = 1000;
  users = new Map<number, EmulatedUser>();
  accounts = new Map<number, EmulatedAccount>();
  payments: EmulatedPayment[] = [];
  installations = new Map<string, Installation>();
  devices: Device[] = [];
  sessions = new Map<string, Session>();
  grants = new Map<string, OAuthGrant>();
  oauthClients = new Map<number, OAuthClient>();
  codes = new Map<string, AuthorizationCode>();
  drafts = new Map<number, DraftPayment>();
  requests = new Map<number, RequestInquiry>();
  tabs = new Map<number, BunqMeTab>();
  /** URL filters per scope: `user:ID` or `account:ID`. */
  filters = new Map<string, NotificationFilter[]>();
  callbackFailures: CallbackFailure[] = [];
  /** Every callback POST so far, for tests that count deliveries. */
  callbackLog: CallbackAttempt[] = [];
  /** Test control: how often each callback is POSTed in a row (as if our answers were lost). */
  callbackDeliveries = 1;
  attachments = new Map<number, Attachment>();
  notes: PaymentNote[] = [];
  /** Set by the server: where events go to become callbacks. */
  onEvent: (event: EmulatorEvent) => void = () => undefined;

  nextId(): number {
    return ++this.#nextId;
  }

  userByApiKey(secret: string): EmulatedUser | undefined {
    return [...this.users.values()].find((user) => user.apiKey === secret);
  }

  accountsOf(userId: number): EmulatedAccount[] {
    return [...this.accounts.values()].filter((account) => account.userId === userId);
  }

  /** Payments of one account, newest first. */
  paymentsOf(accountId: number): EmulatedPayment[] {
    return this.payments.filter((payment) => payment.accountId === accountId).sort((a, b) => b.id - a.id);
  }

  /**
   * Books one side of a transfer and returns the payment. Callbacks carry the payment exactly as
   * GET payment shows it: MUTATION_CREATED always, and PAYMENT_CREATED (money out) or
   * PAYMENT_RECEIVED (money in) unless the payment pays a request.
   */
  book(
    account: EmulatedAccount,
    amountCents: bigint,
    description: string,
    counterparty: EmulatedPayment["counterparty"],
    options: BookOptions = {},
  ): EmulatedPayment {
    account.balanceCents += amountCents;
    const { merchantReference } = options;
    const payment: EmulatedPayment = {
      id: this.nextId(),
      accountId: account.id,
      created: new Date(),
      amountCents,
      currency: account.currency,
      description,
      counterparty,
      balanceAfterCents: account.balanceCents,
      type: counterparty.iban?.includes("BUNQ") ? "BUNQ" : "SEPA",
      ...(merchantReference !== undefined ? { merchantReference } : {}),
    };
    this.payments.push(payment);
    const object = paymentObject(payment, account.iban, this.users.get(account.userId)?.displayName ?? "");
    const event = { userId: account.userId, accountId: account.id, object };
    this.onEvent({ ...event, category: "MUTATION", eventType: "MUTATION_CREATED" });
    if (!options.mutationOnly) {
      const eventType = amountCents < 0n ? "PAYMENT_CREATED" : "PAYMENT_RECEIVED";
      this.onEvent({ ...event, category: "PAYMENT", eventType });
    }
    return payment;
  }
}

/**
 * The emulator's whole world, in memory: users with their accounts and history, and the
 * installations, devices and sessions that API clients hold. Amounts are integer cents.
 */
import { randomBytes } from "node:crypto";
import { formatCents } from "./format.js";

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
}

export interface NotificationFilter {
  readonly category: string;
  readonly target: string;
}

/** Something happened that callbacks may report. */
export interface EmulatorEvent {
  readonly userId: number;
  readonly accountId?: number;
  readonly category: string;
  readonly eventType: string;
  readonly object: Record<string, unknown>;
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

  /** Books one side of a transfer and returns the payment. */
  book(
    account: EmulatedAccount,
    amountCents: bigint,
    description: string,
    counterparty: EmulatedPayment["counterparty"],
    merchantReference?: string,
  ): EmulatedPayment {
    account.balanceCents += amountCents;
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
    const object = {
      Payment: {
        id: payment.id,
        monetary_account_id: account.id,
        amount: { value: formatCents(amountCents), currency: account.currency },
        description,
        ...(merchantReference !== undefined ? { merchant_reference: merchantReference } : {}),
      },
    };
    for (const category of ["MUTATION", "PAYMENT"]) {
      this.onEvent({
        userId: account.userId,
        accountId: account.id,
        category,
        eventType: "PAYMENT_CREATED",
        object,
      });
    }
    return payment;
  }
}

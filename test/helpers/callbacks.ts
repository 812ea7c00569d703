/**
 * bunq callback bodies as bunq sends them (`{"NotificationUrl": {category, event_type, object}}`),
 * and the rows a chat needs before callbacks can be about it: a Telegram chat, its bunq
 * connection and the balances last read from bunq.
 */
import type { MonetaryAccount } from "../../src/bunq/accounts.js";
import type { Database } from "../../src/db/client.js";
import { bunqConnections, telegramChats } from "../../src/db/schema.js";
import { hashToken } from "../../src/services/connect/state-token.js";

export const IBAN_MAIN = "NL91ABNA0417164300";
export const IBAN_SAVINGS = "NL86INGB0002445588";
export const IBAN_STRANGER = "DE89370400440532013000";
export const IBAN_OTHER_CHAT = "NL44RABO0123456789";

type Json = Record<string, unknown>;

export const notification = (category: string, eventType: string, object: Json) => ({
  NotificationUrl: { category, event_type: eventType, object },
});

export const amount = (value: string, currency = "EUR") => ({ value, currency });

/** A Payment object's fields; `over` replaces any of them. */
export const paymentObject = (over: Json = {}): Json => ({
  id: 9001,
  created: "2030-01-01 12:00:00.000000",
  monetary_account_id: 11,
  amount: amount("25.00"),
  description: "Dinner",
  type: "IBAN",
  merchant_reference: null,
  alias: { iban: IBAN_MAIN, display_name: "Alice Owner" },
  counterparty_alias: { iban: IBAN_STRANGER, display_name: "Bob Stranger" },
  balance_after_mutation: amount("125.00"),
  ...over,
});

export const paymentCallback = (over: Json = {}, category = "PAYMENT", eventType = "PAYMENT_RECEIVED") =>
  notification(category, eventType, { Payment: paymentObject(over) });

export const draftCallback = (status: string, over: Json = {}) =>
  notification("DRAFT_PAYMENT", "DRAFT_PAYMENT_UPDATED", {
    DraftPayment: {
      id: 7001,
      monetary_account_id: 11,
      status,
      entries: [
        {
          amount: amount("10.00"),
          counterparty_alias: { iban: IBAN_STRANGER, display_name: "Carol Landlord" },
          description: "Rent part 1",
          merchant_reference: null,
        },
        {
          amount: amount("2.50"),
          counterparty_alias: { iban: IBAN_STRANGER, display_name: "Carol Landlord" },
          description: "Rent part 2",
        },
      ],
      ...over,
    },
  });

export const requestCallback = (status: string, over: Json = {}) =>
  notification("REQUEST", "REQUEST_INQUIRY_UPDATED", {
    RequestInquiry: {
      id: 8001,
      monetary_account_id: 11,
      status,
      amount_inquired: amount("40.00"),
      counterparty_alias: { iban: IBAN_STRANGER, display_name: "Dave Debtor" },
      description: "Concert tickets",
      merchant_reference: null,
      ...over,
    },
  });

export const tabResult = (id: number, value: string, payer: string) => ({
  payment: {
    id,
    created: "2030-01-01 12:00:00.000000",
    amount: amount(value),
    description: "",
    counterparty_alias: { iban: IBAN_STRANGER, display_name: payer },
  },
});

export const tabCallback = (status: string, results: Json[] = [], over: Json = {}) =>
  notification("BUNQME_TAB", "BUNQME_TAB_UPDATED", {
    BunqMeTab: {
      id: 6001,
      monetary_account_id: 11,
      status,
      bunqme_tab_entry: { amount_inquired: amount("15.00"), description: "Pizza night" },
      result_inquiries: results,
      ...over,
    },
  });

export const oauthCallback = (grantedByUserId?: number) =>
  notification("OAUTH", "OAUTH_REVOKED", {
    UserApiKey: {
      id: 5001,
      ...(grantedByUserId === undefined ? {} : { granted_by_user: { UserPerson: { id: grantedByUserId } } }),
    },
  });

export const account = (id: number, over: Partial<MonetaryAccount> = {}): MonetaryAccount => ({
  id,
  type: "bank",
  description: `Account ${id}`,
  balance: { minor: 10_000n, currency: "EUR" },
  currency: "EUR",
  status: "ACTIVE",
  active: true,
  ...over,
});

/** A chat's main (11, EUR) and savings (12, EUR) accounts. */
export const ownAccounts = (): MonetaryAccount[] => [
  account(11, { description: "Main", iban: IBAN_MAIN, ownerName: "Alice Owner" }),
  account(12, { type: "savings", description: "Savings", iban: IBAN_SAVINGS, ownerName: "Alice Owner" }),
];

export interface ConnectedChat {
  readonly chatId: number;
  readonly bunqUserId?: number;
  readonly secret?: string;
  readonly registeredAt?: Date | null;
  readonly status?: "active" | "revoked";
  readonly languageCode?: string | null;
  readonly notificationsEnabled?: boolean;
  readonly minimumMinor?: bigint;
}

/** A Telegram chat with a bunq connection (whose callback URL carries `secret`). */
export async function connectChat(db: Database, chat: ConnectedChat): Promise<void> {
  await db.insert(telegramChats).values({
    chatId: chat.chatId,
    type: "private",
    firstName: "Alice",
    languageCode: chat.languageCode === undefined ? "en" : chat.languageCode,
    notificationsEnabled: chat.notificationsEnabled ?? true,
    notificationsMinimumMinor: chat.minimumMinor ?? 0n,
  });
  await db.insert(bunqConnections).values({
    chatId: chat.chatId,
    environment: "sandbox",
    bunqUserId: chat.bunqUserId ?? 501,
    displayName: "Alice Owner",
    status: chat.status ?? "active",
    accessTokenEncrypted: null,
    callbackTokenHash: chat.secret === undefined ? null : hashToken(chat.secret),
    callbacksRegisteredAt: chat.registeredAt === undefined ? new Date(0) : chat.registeredAt,
  });
}

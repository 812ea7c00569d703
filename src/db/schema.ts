/**
 * Database schema. Columns named `*_encrypted` hold envelopes from `crypto.ts`, bound to
 * their table, row and purpose; nothing secret is stored in clear.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** The columns of a durable inbox row that workers claim under a lease and mark done. */
const inboxWork = () => ({
  status: text("status", { enum: ["pending", "done", "failed"] })
    .notNull()
    .default("pending"),
  attempts: integer("attempts").notNull().default(0),
  /** While in the future, one worker owns the row; a dead worker's lease simply runs out. */
  leaseUntil: timestamp("lease_until", { withTimezone: true }),
  /** Random per claim: a worker whose lease was taken over cannot mark the row done. */
  leaseToken: text("lease_token"),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  doneAt: timestamp("done_at", { withTimezone: true }),
});

export const telegramChats = pgTable("telegram_chats", {
  chatId: bigint("chat_id", { mode: "number" }).primaryKey(),
  type: text("type", { enum: ["private", "group", "supergroup", "channel"] }).notNull(),
  firstName: text("first_name"),
  username: text("username"),
  languageCode: text("language_code"),
  /** Messages when money moves (bunq callbacks); /notifications turns them off and on. */
  notificationsEnabled: boolean("notifications_enabled").notNull().default(true),
  /** Movements smaller than this (minor units, any currency) are not announced. */
  notificationsMinimumMinor: bigint("notifications_minimum_minor", { mode: "bigint" })
    .notNull()
    .default(sql`0`),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const bunqConnections = pgTable("bunq_connections", {
  chatId: bigint("chat_id", { mode: "number" })
    .primaryKey()
    .references(() => telegramChats.chatId, { onDelete: "cascade" }),
  environment: text("environment", { enum: ["sandbox", "production"] }).notNull(),
  bunqUserId: bigint("bunq_user_id", { mode: "number" }).notNull(),
  displayName: text("display_name").notNull(),
  status: text("status", { enum: ["active", "revoked"] })
    .notNull()
    .default("active"),
  /** Null once the connection is revoked: a revoked token is deleted, not kept. */
  accessTokenEncrypted: text("access_token_encrypted"),
  /**
   * SHA-256 of the secret in our callback URL (`/bunq/callback/<secret>`): bunq does not sign
   * callbacks, so the unguessable path is what says a callback is about this connection.
   */
  callbackTokenHash: text("callback_token_hash").unique(),
  /** When our notification filters were registered at bunq; null while there are none. */
  callbacksRegisteredAt: timestamp("callbacks_registered_at", { withTimezone: true }),
  /** Why there are no filters (no public URL, or bunq's 2 URLs per category are taken). */
  callbacksUnavailable: text("callbacks_unavailable", { enum: ["no_public_url", "full", "failed"] }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * The last balances read from bunq for a connection, so /balance can answer without a bunq
 * read while callbacks say nothing moved (see services/banking/held-balances.ts).
 */
export const heldBalances = pgTable("held_balances", {
  chatId: bigint("chat_id", { mode: "number" })
    .primaryKey()
    .references(() => bunqConnections.chatId, { onDelete: "cascade" }),
  /** The accounts as read (amounts as decimal strings), in bunq's order. */
  accounts: jsonb("accounts").$type<Record<string, unknown>[]>().notNull(),
  readAt: timestamp("read_at", { withTimezone: true }).notNull(),
  /** Set by a callback that reports money moving; newer than read_at means the copy is stale. */
  movedAt: timestamp("moved_at", { withTimezone: true }),
});

/**
 * The callback inbox: every bunq callback we accept is stored before we answer 200, and
 * announced from here by a worker. One row per event (bunq's retries and duplicates fold into
 * it through the unique key), so a movement is announced once.
 */
export const bunqCallbacks = pgTable(
  "bunq_callbacks",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    chatId: bigint("chat_id", { mode: "number" })
      .notNull()
      .references(() => bunqConnections.chatId, { onDelete: "cascade" }),
    category: text("category").notNull(),
    eventType: text("event_type").notNull(),
    objectType: text("object_type").notNull(),
    objectId: bigint("object_id", { mode: "number" }).notNull(),
    /** The object's own state (a request's status, a tab's paid count): a change is a new event. */
    objectState: text("object_state").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    ...inboxWork(),
  },
  (table) => [
    uniqueIndex("bunq_callbacks_event").on(
      table.chatId,
      table.category,
      table.eventType,
      table.objectId,
      table.objectState,
    ),
    index("bunq_callbacks_pending").on(table.status, table.id),
  ],
);

/**
 * bunq reads no user asked for (PSD2 RTS Art. 36(5)(b): at most 4 per 24 h per connection).
 * One row per read; rows older than a day only matter to housekeeping.
 */
export const unattendedReads = pgTable(
  "unattended_reads",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    principal: text("principal").notNull(),
    readAt: timestamp("read_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("unattended_reads_principal").on(table.principal, table.readAt)],
);

export const bunqApiContexts = pgTable("bunq_api_contexts", {
  principal: text("principal").primaryKey(),
  environment: text("environment", { enum: ["sandbox", "production"] }).notNull(),
  secretEncrypted: text("secret_encrypted").notNull(),
  privateKeyEncrypted: text("private_key_encrypted").notNull(),
  publicKeyPem: text("public_key_pem").notNull(),
  installationTokenEncrypted: text("installation_token_encrypted").notNull(),
  /**
   * bunq's key for verifying its responses. Not secret, but a swapped key would let forged
   * responses verify, so it is stored as an envelope bound to the row like the secrets.
   */
  serverPublicKeyEncrypted: text("server_public_key_encrypted"),
  /** Rows written before the key was bound have it here; never trusted, only bound by db:rotate-keys. */
  serverPublicKeyPem: text("server_public_key_pem"),
  deviceServerId: bigint("device_server_id", { mode: "number" }),
  sessionId: bigint("session_id", { mode: "number" }),
  sessionTokenEncrypted: text("session_token_encrypted"),
  sessionUserId: bigint("session_user_id", { mode: "number" }),
  sessionExpiresAt: timestamp("session_expires_at", { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const providerRegistrations = pgTable("provider_registrations", {
  environment: text("environment", { enum: ["sandbox", "production"] }).primaryKey(),
  certificatePem: text("certificate_pem").notNull(),
  certificateChainPem: text("certificate_chain_pem"),
  certificatePrivateKeyEncrypted: text("certificate_private_key_encrypted").notNull(),
  oauthClientId: text("oauth_client_id"),
  oauthClientSecretEncrypted: text("oauth_client_secret_encrypted"),
  callbackUrls: jsonb("callback_urls")
    .$type<string[]>()
    .notNull()
    .default(sql`'[]'::jsonb`),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Only the SHA-256 of an OAuth state is stored: a database leak cannot complete a login. */
export const oauthStates = pgTable("oauth_states", {
  stateHash: text("state_hash").primaryKey(),
  chatId: bigint("chat_id", { mode: "number" }).notNull(),
  telegramUserId: bigint("telegram_user_id", { mode: "number" }).notNull(),
  environment: text("environment", { enum: ["sandbox", "production"] }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  /** Set between code exchange and the user's confirmation (access token encrypted). */
  pendingEncrypted: text("pending_encrypted"),
  createdAt: createdAt(),
});

/** Storage for grammY sessions and conversations; `version` lets stored shapes evolve. */
export const kvStore = pgTable("kv_store", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  version: integer("version").notNull().default(1),
  updatedAt: updatedAt(),
});

/**
 * The durable update inbox. Every update Telegram gives us (webhook POST or getUpdates) is
 * stored here before Telegram is told we have it, and is marked `done` only after its handling
 * finished, so a crash or a shutdown in the middle loses nothing: the update is taken again once
 * its lease expires. `chat_key` orders one chat's updates (oldest first, one at a time) across
 * workers and instances.
 */
export const telegramUpdates = pgTable(
  "telegram_updates",
  {
    updateId: bigint("update_id", { mode: "number" }).primaryKey(),
    chatKey: text("chat_key").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    ...inboxWork(),
  },
  (table) => [index("telegram_updates_pending").on(table.status, table.chatKey, table.updateId)],
);

/** Append-only (a trigger rejects UPDATE and DELETE); `subject` is pseudonymised. */
export const auditLog = pgTable("audit_log", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  subject: text("subject").notNull(),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  details: jsonb("details")
    .$type<Record<string, unknown>>()
    .notNull()
    .default(sql`'{}'::jsonb`),
});

/**
 * Every action that moves money or creates something at bunq that asks for money: an
 * own-account payment, a draft payment, a request-inquiry or a bunq.me tab. The row is written
 * before bunq is called and is the single source of truth for "has this been sent?":
 *
 *   awaiting_confirmation → executing → completed | failed | outcome_unknown
 *                         ↘ cancelled
 *
 * Executing is claimed in one UPDATE (two taps, a redelivered tap or a restart can never send
 * twice) under a lease that is renewed right before the request leaves; an `executing` row whose
 * lease ran out is reconciled against bunq through its `merchant_reference` marker.
 */
export const paymentIntents = pgTable("payment_intents", {
  nonce: text("nonce").primaryKey(),
  chatId: bigint("chat_id", { mode: "number" })
    .notNull()
    .references(() => telegramChats.chatId, { onDelete: "cascade" }),
  kind: text("kind", { enum: ["own_account", "draft", "request_inquiry", "bunqme_tab"] }).notNull(),
  fromAccountId: bigint("from_account_id", { mode: "number" }).notNull(),
  amountMinor: bigint("amount_minor", { mode: "bigint" }).notNull(),
  currency: text("currency").notNull(),
  /** The counterparty as bunq's pointer ({type, value, name}); none for a bunq.me tab. */
  counterparty: jsonb("counterparty").$type<Record<string, string>>(),
  description: text("description").notNull(),
  status: text("status", {
    enum: ["awaiting_confirmation", "executing", "completed", "failed", "outcome_unknown", "cancelled"],
  }).notNull(),
  bunqId: bigint("bunq_id", { mode: "number" }),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  /** While `executing`: until when the claimer may still be talking to bunq. */
  leaseUntil: timestamp("lease_until", { withTimezone: true }),
  /** What bunq said, as the chat is told it (see services/banking/intent-outcome.ts). */
  outcome: jsonb("outcome").$type<Record<string, unknown>>(),
  /** Set once the chat was told the final outcome, so a redelivery or the reconciler stays quiet. */
  notifiedAt: timestamp("notified_at", { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

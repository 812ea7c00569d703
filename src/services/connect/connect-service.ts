/**
 * The /connect use case: an OAuth state per chat, the callback that exchanges the code, and
 * the user's explicit confirmation. Nothing about the connection is stored until Confirm, and
 * every failure leaves the database as it was (apart from burning the single-use state).
 */
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client.js";
import type { Keyring } from "../../db/crypto.js";
import { binding } from "../../db/encrypted-columns.js";
import { bunqConnections, oauthStates, telegramChats } from "../../db/schema.js";
import type { BunqEnvironment } from "../../config.js";
import type { AuditTrail } from "../audit.js";
import type { CallbackAvailability } from "../notifications/registration.js";
import { parseContextState, type ApiContextStore } from "../../bunq/context-store.js";
import { connectionPrincipal } from "../bunq-contexts.js";
import type { BunqOAuth } from "./bunq-oauth-port.js";
import { hashToken, matchesHash, newToken } from "./state-token.js";

export const CONNECT_TTL_MS = 10 * 60 * 1000;

export interface ConnectDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditTrail;
  oauth: BunqOAuth;
  environment: BunqEnvironment;
  redirectUri: string;
  /**
   * The redirect URI is a loopback address (no PUBLIC_BASE_URL): the link completes only in a
   * browser on the machine that runs the bot, and the user must be told so.
   */
  callbackReachableOnlyHere?: boolean;
  /** Tells the chat how the flow ended (the bot words it and sends it). */
  notify(chatId: number, notice: ConnectNotice): Promise<void>;
  /** Where the confirmed connection's API context is kept (the database in the app). */
  contexts?: ApiContextStore;
  /** Ends what the chat's previous connection left open at bunq, before a reconnect replaces it. */
  retirePrevious?(chatId: number): Promise<void>;
  /** Runs after a connection is stored (e.g. switch the chat's command menu). */
  onConnected?(chatId: number): Promise<void>;
  /** Registers the new connection's bunq callbacks (after onConnected) and says how it went. */
  registerCallbacks?(chatId: number): Promise<CallbackAvailability>;
  now?: () => Date;
  ttlMs?: number;
}

export interface StartedConnect {
  url: string;
  expiresAt: Date;
  validMinutes: number;
  /** See ConnectDeps.callbackReachableOnlyHere. */
  callbackReachableOnlyHere: boolean;
}

export type CallbackOutcome =
  | {
      kind: "confirm";
      csrfToken: string;
      telegram: { firstName: string | null; username: string | null };
      bunqDisplayName: string;
      accountCount: number;
    }
  | { kind: "denied" | "invalid" | "expired" | "failed" };

/**
 * How a /connect ended outside the chat, for the chat to hear. Facts, not words: the bot renders
 * them (src/bot/messages/connect.ts) within Telegram's limits, and services do not depend on the bot.
 */
export type ConnectNotice =
  | { kind: "link_expired" | "denied" | "authorization_failed" | "confirmation_expired" }
  | {
      kind: "connected";
      displayName: string;
      accountCount: number;
      /** Whether money movements will be announced (absent: the flow has no notifications). */
      notifications?: CallbackAvailability;
    };

export type ConfirmOutcome = { kind: "connected"; displayName: string } | { kind: "invalid" | "expired" };

/** What waits, encrypted, between the code exchange and Confirm. */
const pendingSchema = z.object({
  accessToken: z.string(),
  displayName: z.string(),
  bunqUserId: z.number().int(),
  accountCount: z.number().int(),
  csrfHash: z.string(),
  /** The chat's bunq API context (serialized), saved at Confirm. */
  context: z.string().optional(),
});

export class ConnectService {
  readonly #deps: ConnectDeps;
  readonly #now: () => Date;
  readonly #ttlMs: number;

  constructor(deps: ConnectDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
    this.#ttlMs = deps.ttlMs ?? CONNECT_TTL_MS;
  }

  /** A new authorize link for the chat; any earlier unfinished /connect of the chat stops working. */
  async start(chatId: number, telegramUserId: number): Promise<StartedConnect> {
    const state = newToken();
    const expiresAt = new Date(this.#now().getTime() + this.#ttlMs);
    await this.#deps.db.transaction(async (tx) => {
      await tx.delete(oauthStates).where(eq(oauthStates.chatId, chatId));
      await tx.insert(oauthStates).values({
        stateHash: hashToken(state),
        chatId,
        telegramUserId,
        environment: this.#deps.environment,
        expiresAt,
      });
    });
    return {
      url: await this.#deps.oauth.authorizeUrl(state, this.#deps.redirectUri),
      expiresAt,
      validMinutes: Math.round(this.#ttlMs / 60_000),
      callbackReachableOnlyHere: this.#deps.callbackReachableOnlyHere ?? false,
    };
  }

  /** Drops an unfinished /connect; true when there was one. */
  async cancel(chatId: number): Promise<boolean> {
    const deleted = await this.#deps.db
      .delete(oauthStates)
      .where(eq(oauthStates.chatId, chatId))
      .returning({ chatId: oauthStates.chatId });
    return deleted.length > 0;
  }

  async handleCallback(query: { state?: string; code?: string; error?: string }): Promise<CallbackOutcome> {
    if (!query.state) return { kind: "invalid" };
    const stateHash = hashToken(query.state);
    // Claiming the state (used_at) first makes it single-use even under concurrent requests.
    const [claimed] = await this.#deps.db
      .update(oauthStates)
      .set({ usedAt: this.#now() })
      .where(and(eq(oauthStates.stateHash, stateHash), isNull(oauthStates.usedAt)))
      .returning();
    if (!claimed) return { kind: "invalid" };
    const { chatId } = claimed;
    if (claimed.expiresAt <= this.#now()) {
      await this.#discard(stateHash);
      await this.#deps.notify(chatId, { kind: "link_expired" });
      return { kind: "expired" };
    }
    if (query.error || !query.code) {
      await this.#discard(stateHash);
      await this.#deps.notify(chatId, { kind: "denied" });
      return { kind: "denied" };
    }
    let pending: z.infer<typeof pendingSchema>;
    const csrfToken = newToken();
    try {
      const { accessToken } = await this.#deps.oauth.exchangeCode(query.code, this.#deps.redirectUri);
      const user = await this.#deps.oauth.describeUser(accessToken, connectionPrincipal(chatId));
      pending = { accessToken, ...user, csrfHash: hashToken(csrfToken) };
    } catch {
      await this.#discard(stateHash);
      await this.#deps.notify(chatId, { kind: "authorization_failed" });
      return { kind: "failed" };
    }
    await this.#deps.db
      .update(oauthStates)
      .set({
        pendingEncrypted: this.#deps.keyring.encrypt(
          JSON.stringify(pending),
          binding("oauthStates", stateHash, "pending"),
        ),
        // The user gets a fresh 10 minutes to read the confirmation page.
        expiresAt: new Date(this.#now().getTime() + this.#ttlMs),
      })
      .where(eq(oauthStates.stateHash, stateHash));
    const [chat] = await this.#deps.db.select().from(telegramChats).where(eq(telegramChats.chatId, chatId));
    return {
      kind: "confirm",
      csrfToken,
      telegram: { firstName: chat?.firstName ?? null, username: chat?.username ?? null },
      bunqDisplayName: pending.displayName,
      accountCount: pending.accountCount,
    };
  }

  async confirm(form: { state?: string; csrf?: string }): Promise<ConfirmOutcome> {
    if (!form.state || !form.csrf) return { kind: "invalid" };
    const stateHash = hashToken(form.state);
    const [row] = await this.#deps.db.select().from(oauthStates).where(eq(oauthStates.stateHash, stateHash));
    if (!row?.pendingEncrypted) return { kind: "invalid" };
    const pending = pendingSchema.parse(
      JSON.parse(
        this.#deps.keyring.decrypt(row.pendingEncrypted, binding("oauthStates", stateHash, "pending")),
      ),
    );
    if (!matchesHash(form.csrf, pending.csrfHash)) return { kind: "invalid" };
    if (row.expiresAt <= this.#now()) {
      await this.#discard(stateHash);
      await this.#deps.notify(row.chatId, { kind: "confirmation_expired" });
      return { kind: "expired" };
    }
    const { chatId } = row;
    const accessTokenEncrypted = this.#deps.keyring.encrypt(
      pending.accessToken,
      binding("bunqConnections", chatId, "access_token"),
    );
    const connection = {
      chatId,
      environment: row.environment,
      bunqUserId: pending.bunqUserId,
      displayName: pending.displayName,
      status: "active" as const,
      accessTokenEncrypted,
    };
    const stored = await this.#deps.db.transaction(async (tx) => {
      const removed = await tx.delete(oauthStates).where(eq(oauthStates.stateHash, stateHash)).returning();
      if (removed.length === 0) return false; // confirmed twice at once: the other request won
      await tx
        .insert(bunqConnections)
        .values(connection)
        .onConflictDoUpdate({
          target: bunqConnections.chatId,
          set: { ...connection, updatedAt: new Date() },
        });
      await this.#deps.audit.record(tx, chatId, "bunq.connected", {
        environment: row.environment,
        accountCount: pending.accountCount,
      });
      return true;
    });
    if (!stored) return { kind: "invalid" };
    await this.#deps.retirePrevious?.(chatId);
    if (pending.context) await this.#deps.contexts?.save(parseContextState(pending.context));
    await this.#deps.onConnected?.(chatId);
    const notifications = await this.#deps.registerCallbacks?.(chatId);
    await this.#deps.notify(chatId, {
      kind: "connected",
      displayName: pending.displayName,
      accountCount: pending.accountCount,
      ...(notifications ? { notifications } : {}),
    });
    return { kind: "connected", displayName: pending.displayName };
  }

  async #discard(stateHash: string): Promise<void> {
    await this.#deps.db.delete(oauthStates).where(eq(oauthStates.stateHash, stateHash));
  }
}

/**
 * One bunq API context per connected chat, per process. The bunq client makes session
 * creation single-flight per ApiContext object, so every caller for a chat must share the
 * same object — otherwise two concurrent commands would open two sessions.
 */
import { eq } from "drizzle-orm";
import { ApiContext, type ApiContextOptions } from "../bunq/api-context.js";
import type { Principal } from "../bunq/context-store.js";
import { BunqError } from "../bunq/errors.js";
import type { Database } from "../db/client.js";
import type { Keyring } from "../db/crypto.js";
import { binding } from "../db/encrypted-columns.js";
import { bunqConnections } from "../db/schema.js";

/** The chat has no active bunq connection. */
export class NotConnectedError extends Error {
  override name = "NotConnectedError";
  constructor() {
    super("This chat is not connected to bunq.");
  }
}

/** bunq no longer accepts the chat's token: the user revoked the app in bunq. */
export class ConsentRevokedError extends Error {
  override name = "ConsentRevokedError";
  /** `announced`: the chat was just told (by the revocation), so nobody need say it again. */
  constructor(readonly announced = false) {
    super("bunq no longer accepts this connection.");
  }
}

export const connectionPrincipal = (chatId: number): Principal => `connection:${chatId}`;

export interface BunqContextsDeps {
  db: Database;
  keyring: Keyring;
  context: ApiContextOptions;
  /**
   * bunq refused the chat's token: revoke the connection (services/connect/revocation.ts);
   * resolves true when the chat was told. Without it the connection is only marked revoked.
   */
  onTokenRefused?(chatId: number): Promise<boolean>;
}

export class BunqContexts {
  readonly #deps: BunqContextsDeps;
  readonly #open = new Map<number, Promise<ApiContext>>();

  constructor(deps: BunqContextsDeps) {
    this.#deps = deps;
  }

  /** The chat's context with a valid session; throws NotConnectedError or ConsentRevokedError. */
  async forChat(chatId: number): Promise<ApiContext> {
    let opening = this.#open.get(chatId);
    if (!opening) {
      opening = this.#openContext(chatId);
      this.#open.set(chatId, opening);
      opening.catch(() => this.#open.delete(chatId));
    }
    const context = await opening;
    await this.use(chatId, () => context.session());
    return context;
  }

  /** Runs `call` with the chat's context (see `forChat` and `use`). */
  async run<T>(chatId: number, call: (context: ApiContext) => Promise<T>): Promise<T> {
    const context = await this.forChat(chatId);
    return this.use(chatId, () => call(context));
  }

  /**
   * Runs a bunq call for the chat, turning "bunq refuses to open a session with this token"
   * into ConsentRevokedError and marking the connection revoked, so the user is asked to
   * /connect again instead of seeing a raw error on every command.
   */
  async use<T>(chatId: number, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof BunqError && error.path === "/session-server" && isRefusal(error.status)) {
        this.forget(chatId);
        if (this.#deps.onTokenRefused) throw new ConsentRevokedError(await this.#deps.onTokenRefused(chatId));
        await this.#deps.db
          .update(bunqConnections)
          .set({ status: "revoked", updatedAt: new Date() })
          .where(eq(bunqConnections.chatId, chatId));
        throw new ConsentRevokedError();
      }
      throw error;
    }
  }

  /**
   * Ends the chat's current bunq session (best effort) before a reconnect replaces its context,
   * so the old connection leaves nothing open at bunq.
   */
  async retire(chatId: number): Promise<void> {
    const principal = connectionPrincipal(chatId);
    const state = await this.#deps.context.store.load(principal);
    this.forget(chatId);
    if (!state?.session) return;
    try {
      const context = await ApiContext.open(principal, state.secret, this.#deps.context);
      await context.endSession();
    } catch {
      // The token may already be revoked; the session then expires on its own.
    }
  }

  /** Drops the cached context (after disconnect or revocation). */
  forget(chatId: number): void {
    this.#open.delete(chatId);
  }

  async #openContext(chatId: number): Promise<ApiContext> {
    const [row] = await this.#deps.db
      .select({ token: bunqConnections.accessTokenEncrypted, status: bunqConnections.status })
      .from(bunqConnections)
      .where(eq(bunqConnections.chatId, chatId));
    if (!row) throw new NotConnectedError();
    if (row.status === "revoked" || row.token === null) throw new ConsentRevokedError();
    const token = this.#deps.keyring.decrypt(row.token, binding("bunqConnections", chatId, "access_token"));
    return this.use(chatId, () => ApiContext.open(connectionPrincipal(chatId), token, this.#deps.context));
  }
}

const isRefusal = (status: number | undefined) =>
  status === 400 || status === 401 || status === 403 || status === 404;

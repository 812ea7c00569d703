/**
 * Accepts one bunq callback: finds the connection by the secret in the URL, parses the body
 * strictly, checks that the object is about one of the connection's own accounts, and stores it
 * in the inbox — marking the held balances stale in the same transaction when money moved. It
 * never asks bunq anything: a callback only invalidates what we hold (PSD2 allows few reads the
 * user did not ask for, and callbacks are not signed).
 */
import { and, eq } from "drizzle-orm";
import { CallbackRejectedError, parseCallback, type BunqCallback } from "../../bunq/callbacks.js";
import { sameIban } from "../../bunq/iban.js";
import { AmountError } from "../../bunq/money.js";
import type { Database } from "../../db/client.js";
import { bunqConnections } from "../../db/schema.js";
import type { Logger } from "../../logger.js";
import type { HeldBalances } from "../banking/held-balances.js";
import { hashToken } from "../connect/state-token.js";
import type { CallbackInbox } from "./callback-inbox.js";

export type ReceiveOutcome =
  /** Stored for announcing (or already stored: one of bunq's retries). */
  | { kind: "stored" | "duplicate" }
  /** Not a callback we understand: malformed, an unknown category, a bad amount. */
  | { kind: "malformed"; reason: string }
  /** Well-formed but not about this connection's accounts: nothing stored, nothing shown. */
  | { kind: "foreign"; reason: string };

/** Whom a callback's secret names. */
export interface CallbackConnection {
  readonly chatId: number;
  readonly bunqUserId: number;
}

export interface CallbackReceiverDeps {
  readonly db: Database;
  readonly inbox: CallbackInbox;
  readonly held: HeldBalances;
  readonly logger: Logger;
  /** Wakes the inbox worker (it also polls). */
  readonly onStored?: () => void;
}

export class CallbackReceiver {
  constructor(private readonly deps: CallbackReceiverDeps) {}

  /** The active connection that owns this secret (looked up before the body is even read). */
  async connectionFor(secret: string): Promise<CallbackConnection | undefined> {
    const [row] = await this.deps.db
      .select({ chatId: bunqConnections.chatId, bunqUserId: bunqConnections.bunqUserId })
      .from(bunqConnections)
      .where(
        and(eq(bunqConnections.callbackTokenHash, hashToken(secret)), eq(bunqConnections.status, "active")),
      );
    return row;
  }

  async receive(connection: CallbackConnection, body: unknown): Promise<ReceiveOutcome> {
    let callback: BunqCallback;
    try {
      callback = parseCallback(body);
    } catch (error) {
      if (error instanceof CallbackRejectedError || error instanceof AmountError) {
        return { kind: "malformed", reason: error.message };
      }
      throw error;
    }
    const { chatId } = connection;
    const foreign = await this.#foreignReason(connection, callback);
    if (foreign) {
      this.deps.logger.warn(
        { chatId, category: callback.category, reason: foreign.reason },
        "bunq callback ignored",
      );
      return { kind: "foreign", reason: foreign.reason };
    }
    const stored = await this.deps.db.transaction(async (tx) => {
      const fresh = await this.deps.inbox.store(tx, chatId, callback, body as Record<string, unknown>);
      if (fresh && movesMoney(callback)) await this.deps.held.markMoved(tx, chatId);
      return fresh;
    });
    if (stored) this.deps.onStored?.();
    return { kind: stored ? "stored" : "duplicate" };
  }

  async #foreignReason(
    connection: CallbackConnection,
    callback: BunqCallback,
  ): Promise<{ reason: string } | undefined> {
    const { event } = callback;
    if (event.kind === "oauth_revoked") {
      return event.grantedByUserId !== undefined && event.grantedByUserId !== connection.bunqUserId
        ? { reason: "grant of another user" }
        : undefined;
    }
    const account = (await this.deps.held.knownAccounts(connection.chatId)).find(
      (a) => a.id === event.accountId,
    );
    // An account opened since our last read is refused too: its owner cannot be checked without
    // a read no user asked for; the held copy's age bound catches up with it.
    if (!account) return { reason: "not one of the connection's accounts" };
    if (event.kind === "payment") {
      if (event.payment.amount.currency !== account.currency)
        return { reason: "currency of another account" };
      if (event.ownIban && account.iban && !sameIban(event.ownIban, account.iban)) {
        return { reason: "IBAN of another account" };
      }
    }
    return undefined;
  }
}

/** Whether the event changed a balance (held balances are then stale). */
function movesMoney({ event }: BunqCallback): boolean {
  switch (event.kind) {
    case "payment":
      return true;
    case "draft":
    case "request":
      return event.status === "ACCEPTED";
    case "bunqme_tab":
      return event.results.length > 0;
    case "oauth_revoked":
      return false;
  }
}

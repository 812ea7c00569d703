/**
 * Carrying out money intents safely. An intent is sent at most once: only its claimer sends,
 * and only after renewing its lease right before the request leaves. bunq's answer is recorded
 * with the audit record in one transaction — written behind when the database is away, so the
 * user still hears what bunq said. An intent whose answer was lost (crash, timeout, 5xx) stays
 * `executing` until its lease runs out; then `reconcile` looks it up at bunq and resolves it.
 * "Outcome unknown" is left only where bunq itself cannot tell.
 */
import { attended } from "../../bunq/attendance.js";
import { BunqError, BunqUserError } from "../../bunq/errors.js";
import { isDatabaseUnavailable } from "../../db/availability.js";
import type { Logger } from "../../logger.js";
import { maskIdentifier, type AuditTrail } from "../audit.js";
import { ConsentRevokedError, NotConnectedError, type BunqContexts } from "../bunq-contexts.js";
import type { WriteBehind } from "../write-behind.js";
import { bunqIdOf, counterpartyOf, lookUpIntent, sendIntent } from "./intent-calls.js";
import { LeaseLostError, statusOf, type IntentOutcome, type IntentRow, type IntentStore } from "./intents.js";

/** What became of an intent the caller asked about. */
export type IntentProgress =
  /** bunq's answer is known; tell the chat, then call `markNotified`. */
  | { kind: "settled"; intent: IntentRow; outcome: IntentOutcome }
  /** Sent, but bunq's answer was lost; the reconciler looks it up and tells the chat. */
  | { kind: "checking"; intent: IntentRow }
  /** Another worker (or instance) is sending it right now. */
  | { kind: "in_progress"; intent: IntentRow }
  /** Resolved and the chat was already told. */
  | { kind: "told"; intent: IntentRow };

/** A resolved intent the chat still has to hear about. */
export interface IntentNotice {
  readonly intent: IntentRow;
  readonly outcome: IntentOutcome;
}

/** Resolved intents nobody told their chat about within this long are told by the reconciler. */
const NOTIFY_GRACE_MS = 2 * 60_000;
/** bunq unreachable for this long while looking an intent up: give up and say so. */
const LOOKUP_GIVE_UP_MS = 24 * 60 * 60_000;

export interface MoneyIntentsDeps {
  readonly intents: IntentStore;
  readonly contexts: BunqContexts;
  readonly writes: WriteBehind;
  readonly audit: AuditTrail;
  readonly logger: Logger;
}

export class MoneyIntents {
  /** Intents whose outcome this process knows but could not write yet: not for the reconciler. */
  readonly #unwritten = new Set<string>();

  constructor(private readonly deps: MoneyIntentsDeps) {}

  get store(): IntentStore {
    return this.deps.intents;
  }

  /** Sends a claimed intent (status executing, lease held) and records what bunq said. */
  async execute(intent: IntentRow): Promise<IntentProgress> {
    const { intents, contexts } = this.deps;
    let sent = false;
    let outcome: IntentOutcome;
    try {
      outcome = await contexts.run(intent.chatId, (context) =>
        sendIntent(context, intent, async () => {
          await intents.renewLease(intent.nonce);
          sent = true;
        }),
      );
    } catch (error) {
      const known = sent ? refusalOf(error) : notSentOutcome(error);
      if (!known) {
        // It may have reached bunq: never guess, never resend; the reconciler looks it up.
        this.deps.logger.warn(
          { intent: intent.kind, err: describe(error) },
          "bunq did not confirm an intent",
        );
        await this.deps.writes.run(`expire lease ${intent.kind}`, () => intents.expireLease(intent.nonce));
        return { kind: "checking", intent };
      }
      outcome = known;
    }
    await this.#settle(intent, outcome);
    return { kind: "settled", intent, outcome };
  }

  /**
   * For an intent that could not be claimed (a second tap, a redelivered update, a restart):
   * what the chat should hear now, looking the intent up at bunq if its sender is gone.
   */
  async resume(intent: IntentRow): Promise<IntentProgress> {
    if (intent.status === "executing") {
      const [taken] = await this.deps.intents.takeOverExpired({ only: intent.nonce });
      if (!taken) return { kind: "in_progress", intent };
      const outcome = await this.#lookUp(taken);
      if (!outcome) return { kind: "checking", intent: taken };
      await this.#settle(taken, outcome);
      return { kind: "settled", intent: taken, outcome };
    }
    if (intent.notifiedAt === null && intent.outcome) {
      return { kind: "settled", intent, outcome: intent.outcome as IntentOutcome };
    }
    return { kind: "told", intent };
  }

  /** Resolves intents whose sender is gone; returns what each chat must now be told. */
  async reconcile(): Promise<IntentNotice[]> {
    const notices: IntentNotice[] = [];
    for (const intent of await this.deps.intents.takeOverExpired({ except: [...this.#unwritten] })) {
      const outcome = await this.#lookUp(intent);
      if (!outcome) continue;
      if (await this.#settle(intent, outcome)) notices.push({ intent, outcome });
    }
    for (const intent of await this.deps.intents.unnotified(NOTIFY_GRACE_MS)) {
      if (intent.outcome) notices.push({ intent, outcome: intent.outcome as IntentOutcome });
    }
    return notices;
  }

  async markNotified(nonce: string): Promise<void> {
    await this.deps.writes.run("intent notified", () => this.deps.intents.markNotified(nonce));
  }

  /**
   * bunq's record of the intent; undefined when bunq cannot be asked right now. The lookup
   * finishes a payment or request the user started, so its reads are attended even when the
   * periodic reconciler makes them.
   */
  async #lookUp(intent: IntentRow): Promise<IntentOutcome | undefined> {
    try {
      const found = await attended("payment-reconcile", () =>
        this.deps.contexts.run(intent.chatId, (context) =>
          lookUpIntent(context, intent, () => this.deps.intents.knownTabIds(intent.chatId)),
        ),
      );
      return found ?? { kind: "not_sent", reason: "bunq has no record of it" };
    } catch (error) {
      if (error instanceof NotConnectedError || error instanceof ConsentRevokedError) {
        return {
          kind: "outcome_unknown",
          reason: "the connection to bunq was removed, so I cannot look it up",
        };
      }
      if (Date.now() - intent.updatedAt.getTime() > LOOKUP_GIVE_UP_MS) {
        return { kind: "outcome_unknown", reason: "bunq could not be asked about it for a day" };
      }
      this.deps.logger.warn(
        { intent: intent.kind, err: describe(error) },
        "could not look an intent up at bunq yet",
      );
      return undefined;
    }
  }

  /** Records the outcome with its audit record; written behind if the database is away. */
  async #settle(intent: IntentRow, outcome: IntentOutcome): Promise<boolean> {
    const bunqId = bunqIdOf(outcome);
    const to = counterpartyOf(intent);
    const details = {
      kind: intent.kind,
      fromAccountId: intent.fromAccountId,
      amount: intent.amountMinor.toString(),
      currency: intent.currency,
      ...(to ? { counterpartyType: to.type, counterparty: maskIdentifier(to.value) } : {}),
      result: outcome.kind,
      status: statusOf(outcome),
      ...(bunqId === undefined ? {} : { bunqId }),
    };
    let recorded = true;
    this.#unwritten.add(intent.nonce);
    await this.deps.writes.run(`intent outcome ${intent.kind}`, async () => {
      try {
        recorded = await this.deps.intents.record(intent.nonce, outcome, bunqId, (tx) =>
          this.deps.audit.record(tx, intent.chatId, AUDIT_ACTION[intent.kind], details),
        );
        this.#unwritten.delete(intent.nonce);
      } catch (error) {
        // Given up (not an outage): the reconciler must be free to settle it from bunq's books.
        if (!isDatabaseUnavailable(error)) this.#unwritten.delete(intent.nonce);
        throw error;
      }
    });
    return recorded;
  }
}

const AUDIT_ACTION: Record<IntentRow["kind"], string> = {
  own_account: "payment.created",
  draft: "draft_payment.created",
  request_inquiry: "request_inquiry.created",
  bunqme_tab: "bunqme_tab.created",
};

/**
 * A failure after the request left: only bunq's refusal — or its refusal of the session, which
 * means the request was answered 401 and not carried out — says for sure that nothing happened.
 */
function refusalOf(error: unknown): IntentOutcome | undefined {
  if (error instanceof BunqUserError) {
    return {
      kind: "refused",
      reason: error.message,
      ...(error.responseId ? { responseId: error.responseId } : {}),
    };
  }
  if (error instanceof ConsentRevokedError)
    return { kind: "not_sent", reason: "bunq no longer accepts this connection" };
  return undefined;
}

/** A failure before the request left (session refused, lease lost, bunq unreachable): nothing was sent. */
function notSentOutcome(error: unknown): IntentOutcome | undefined {
  const refusal = refusalOf(error);
  if (refusal) return refusal;
  if (error instanceof NotConnectedError)
    return { kind: "not_sent", reason: "this chat is not connected to bunq" };
  if (error instanceof LeaseLostError)
    return { kind: "not_sent", reason: "I could not record it safely first" };
  if (error instanceof BunqError) return { kind: "not_sent", reason: "bunq could not be reached" };
  return { kind: "not_sent", reason: "something went wrong on my side before it was sent" };
}

const describe = (error: unknown) => ({
  name: error instanceof Error ? error.name : "unknown",
  ...(error instanceof BunqError && error.responseId ? { responseId: error.responseId } : {}),
});

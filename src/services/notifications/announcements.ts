/**
 * What a stored callback means for its chat: a money notice to send, a revocation, or nothing.
 * One money movement is one message: bunq reports a payment under MUTATION and PAYMENT (the
 * notice comes from PAYMENT), a paid request or bunq.me link only under its own category, and an
 * own-account transfer on both accounts (announced from the side it left). Payments the bot made
 * itself are not announced again (the /pay flow told the user), nor anything under the chat's
 * minimum or while the chat turned notifications off.
 */
import { and, eq } from "drizzle-orm";
import { parseCallback, type CallbackEvent } from "../../bunq/callbacks.js";
import { sameIban } from "../../bunq/iban.js";
import type { Money } from "../../bunq/money.js";
import type { Database } from "../../db/client.js";
import { bunqConnections, paymentIntents, telegramChats } from "../../db/schema.js";
import { MARKER_PREFIX } from "../banking/intents.js";
import type { HeldBalances } from "../banking/held-balances.js";

export type MoneyNotice =
  | {
      readonly kind: "payment_in" | "payment_out";
      /** Always positive: the direction is the kind. */
      readonly amount: Money;
      readonly counterpartyName?: string;
      readonly counterpartyIban?: string;
      readonly description: string;
      readonly accountName: string;
      readonly balanceAfter?: Money;
    }
  | {
      readonly kind: "draft_accepted" | "draft_rejected" | "request_paid" | "request_declined";
      readonly amount: Money;
      readonly counterpartyName?: string;
      readonly description: string;
      readonly accountName: string;
    }
  | {
      readonly kind: "bunqme_paid";
      readonly amount: Money;
      readonly payerName?: string;
      readonly description: string;
      readonly accountName: string;
    };

export type Decision =
  | { readonly action: "announce"; readonly languageCode?: string; readonly notice: MoneyNotice }
  | { readonly action: "revoke" }
  | { readonly action: "skip"; readonly reason: string };

const abs = (money: Money): Money => ({ ...money, minor: money.minor < 0n ? -money.minor : money.minor });

export class Announcements {
  constructor(
    private readonly db: Database,
    private readonly held: HeldBalances,
  ) {}

  async decide(chatId: number, payload: unknown): Promise<Decision> {
    const { category, event } = parseCallback(payload);
    if (event.kind === "oauth_revoked") return { action: "revoke" };
    if (category === "MUTATION") return { action: "skip", reason: "balance change only" };
    const [chat] = await this.db
      .select({
        enabled: telegramChats.notificationsEnabled,
        minimum: telegramChats.notificationsMinimumMinor,
        languageCode: telegramChats.languageCode,
        status: bunqConnections.status,
      })
      .from(telegramChats)
      .innerJoin(bunqConnections, eq(bunqConnections.chatId, telegramChats.chatId))
      .where(eq(telegramChats.chatId, chatId));
    if (!chat || chat.status !== "active") return { action: "skip", reason: "not connected" };
    if (!chat.enabled) return { action: "skip", reason: "notifications off" };
    const accounts = await this.held.knownAccounts(chatId);
    const accountName = (id: number) => {
      const account = accounts.find((a) => a.id === id);
      return account?.description || "your account";
    };
    const notice = await this.#notice(chatId, event, accountName, (iban) =>
      accounts.some((a) => a.iban !== undefined && sameIban(a.iban, iban)),
    );
    if (!notice) return { action: "skip", reason: "nothing to announce" };
    if (notice.amount.minor < chat.minimum) return { action: "skip", reason: "below the chat's minimum" };
    return { action: "announce", ...(chat.languageCode ? { languageCode: chat.languageCode } : {}), notice };
  }

  async #notice(
    chatId: number,
    event: Exclude<CallbackEvent, { kind: "oauth_revoked" }>,
    accountName: (id: number) => string,
    isOwnIban: (iban: string) => boolean,
  ): Promise<MoneyNotice | undefined> {
    const account = accountName(event.accountId);
    switch (event.kind) {
      case "payment": {
        const { payment } = event;
        if (await this.#madeByBot(chatId, payment.merchantReference)) return undefined;
        const incoming = payment.amount.minor > 0n;
        if (incoming && payment.counterpartyIban && isOwnIban(payment.counterpartyIban)) return undefined;
        return {
          kind: incoming ? "payment_in" : "payment_out",
          amount: abs(payment.amount),
          ...(payment.counterpartyName ? { counterpartyName: payment.counterpartyName } : {}),
          ...(payment.counterpartyIban ? { counterpartyIban: payment.counterpartyIban } : {}),
          description: payment.description,
          accountName: account,
          ...(payment.balanceAfter ? { balanceAfter: payment.balanceAfter } : {}),
        };
      }
      case "draft": {
        if (event.status !== "ACCEPTED" && event.status !== "REJECTED") return undefined;
        const [first] = event.entries;
        if (!first) return undefined;
        const total = event.entries.reduce((sum, entry) => sum + entry.amount.minor, 0n);
        return {
          kind: event.status === "ACCEPTED" ? "draft_accepted" : "draft_rejected",
          amount: { currency: first.amount.currency, minor: total },
          ...(first.counterpartyName ? { counterpartyName: first.counterpartyName } : {}),
          description: first.description,
          accountName: account,
        };
      }
      case "request": {
        if (event.status !== "ACCEPTED" && event.status !== "REJECTED") return undefined;
        return {
          kind: event.status === "ACCEPTED" ? "request_paid" : "request_declined",
          amount: event.amount,
          ...(event.counterpartyName ? { counterpartyName: event.counterpartyName } : {}),
          description: event.description,
          accountName: account,
        };
      }
      case "bunqme_tab": {
        const latest = event.results.at(-1);
        if (!latest) return undefined;
        return {
          kind: "bunqme_paid",
          amount: abs(latest.amount),
          ...(latest.payerName ? { payerName: latest.payerName } : {}),
          description: event.description,
          accountName: account,
        };
      }
    }
  }

  /** Whether the payment carries the marker of one of this chat's own payment intents. */
  async #madeByBot(chatId: number, merchantReference: string | undefined): Promise<boolean> {
    if (!merchantReference?.startsWith(MARKER_PREFIX)) return false;
    const nonce = merchantReference.slice(MARKER_PREFIX.length);
    const [intent] = await this.db
      .select({ nonce: paymentIntents.nonce })
      .from(paymentIntents)
      .where(and(eq(paymentIntents.chatId, chatId), eq(paymentIntents.nonce, nonce)));
    return intent !== undefined;
  }
}

/**
 * Asking for money: a request-inquiry when the user names whom to ask (bunq also gives it a
 * bunq.me link for people without bunq), a bunq.me tab when anyone may pay. Each is a money
 * intent keyed by the update that asked for it, so handling that update again (after a crash
 * or a failed write) finds the request made the first time instead of making a second one.
 */
import type { Counterparty } from "../../bunq/aliases.js";
import { readBunqMeTab } from "../../bunq/bunqme-tabs.js";
import type { Money } from "../../bunq/money.js";
import { readRequestInquiry } from "../../bunq/request-inquiries.js";
import type { BunqContexts } from "../bunq-contexts.js";
import type { IntentProgress, MoneyIntents } from "./money-intents.js";

export type MoneyRequestKind = "inquiry" | "tab";

export interface MoneyRequest {
  readonly kind: MoneyRequestKind;
  readonly id: number;
  readonly accountId: number;
  readonly status: string;
  readonly shareUrl?: string;
}

export interface NewMoneyRequest {
  readonly accountId: number;
  readonly amount: Money;
  readonly description: string;
  /** Whom to ask; none for a bunq.me link anyone may pay. */
  readonly from?: Counterparty;
}

export class RequestsService {
  constructor(
    private readonly intents: MoneyIntents,
    private readonly contexts: BunqContexts,
  ) {}

  /** `key` names the asking (the chat's update id): the same key never creates twice. */
  async create(chatId: number, key: string, request: NewMoneyRequest): Promise<IntentProgress> {
    const nonce = `req-${chatId}-${key}`;
    const created = await this.intents.store.insertExecuting({
      nonce,
      chatId,
      kind: request.from ? "request_inquiry" : "bunqme_tab",
      fromAccountId: request.accountId,
      amountMinor: request.amount.minor,
      currency: request.amount.currency,
      counterparty: request.from ? { ...request.from } : null,
      description: request.description,
      expiresAt: new Date(),
    });
    const intent = await this.intents.store.find(chatId, nonce);
    if (!intent) throw new Error("a request intent vanished after it was written");
    return created ? this.intents.execute(intent) : this.intents.resume(intent);
  }

  /** Call once the chat was told the outcome. */
  markNotified(nonce: string): Promise<void> {
    return this.intents.markNotified(nonce);
  }

  async status(chatId: number, kind: MoneyRequestKind, accountId: number, id: number): Promise<MoneyRequest> {
    const view = await this.contexts.run(chatId, (context) =>
      kind === "inquiry" ? readRequestInquiry(context, accountId, id) : readBunqMeTab(context, accountId, id),
    );
    return { kind, accountId, ...view };
  }
}

/**
 * Asking for money: a request-inquiry when the user names whom to ask (bunq also gives it a
 * bunq.me link for people without bunq), a bunq.me tab when anyone may pay.
 */
import type { Counterparty } from "../../bunq/aliases.js";
import { createBunqMeTab, readBunqMeTab } from "../../bunq/bunqme-tabs.js";
import type { Money } from "../../bunq/money.js";
import { createRequestInquiry, readRequestInquiry } from "../../bunq/request-inquiries.js";
import type { Database } from "../../db/client.js";
import { maskIdentifier, type AuditTrail } from "../audit.js";
import type { BunqContexts } from "../bunq-contexts.js";

export type MoneyRequestKind = "inquiry" | "tab";

export interface MoneyRequest {
  readonly kind: MoneyRequestKind;
  readonly id: number;
  readonly accountId: number;
  readonly status: string;
  readonly shareUrl?: string;
}

export class RequestsService {
  constructor(
    private readonly db: Database,
    private readonly contexts: BunqContexts,
    private readonly audit: AuditTrail,
  ) {}

  async create(
    chatId: number,
    request: { accountId: number; amount: Money; description: string; from?: Counterparty },
  ): Promise<MoneyRequest> {
    const { from } = request;
    const created: MoneyRequest = from
      ? {
          kind: "inquiry",
          accountId: request.accountId,
          ...(await this.contexts.run(chatId, (context) =>
            createRequestInquiry(context, { ...request, from }),
          )),
        }
      : {
          kind: "tab",
          accountId: request.accountId,
          ...(await this.contexts.run(chatId, (context) => createBunqMeTab(context, request))),
        };
    await this.audit.record(this.db, chatId, from ? "request_inquiry.created" : "bunqme_tab.created", {
      accountId: request.accountId,
      amount: request.amount.minor.toString(),
      currency: request.amount.currency,
      bunqId: created.id,
      ...(from ? { counterpartyType: from.type, counterparty: maskIdentifier(from.value) } : {}),
      result: created.status,
    });
    return created;
  }

  async status(chatId: number, kind: MoneyRequestKind, accountId: number, id: number): Promise<MoneyRequest> {
    const view = await this.contexts.run(chatId, (context) =>
      kind === "inquiry" ? readRequestInquiry(context, accountId, id) : readBunqMeTab(context, accountId, id),
    );
    return { kind, accountId, ...view };
  }
}

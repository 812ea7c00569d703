/** Reading money: balances of every account and one account's payments, a page at a time. */
import { listMonetaryAccounts, type MonetaryAccount } from "../../bunq/accounts.js";
import type { Money } from "../../bunq/money.js";
import { listPaymentsPage, type PaymentPage } from "../../bunq/payments.js";
import type { BunqContexts } from "../bunq-contexts.js";
import type { HeldBalances } from "./held-balances.js";

export interface Balances {
  readonly accounts: MonetaryAccount[];
  /** One total per currency over the active accounts, in order of first appearance. */
  readonly totals: Money[];
  /** When bunq said so: now for a fresh read, earlier for a held copy (shown "as of"). */
  readonly fetchedAt: Date;
}

/** Payments per /transactions page: ten lines read comfortably on a phone. */
export const TRANSACTIONS_PAGE_SIZE = 10;

export type PageCursor = { readonly olderId: number } | { readonly newerId: number } | undefined;

export class AccountsService {
  constructor(
    private readonly contexts: BunqContexts,
    private readonly held?: HeldBalances,
  ) {}

  /** Reads bunq (always) and keeps the answer as the held copy. */
  async accounts(chatId: number): Promise<MonetaryAccount[]> {
    const readAt = new Date();
    const accounts = await this.contexts.run(chatId, listMonetaryAccounts);
    await this.held?.keep(chatId, accounts, readAt);
    return accounts;
  }

  async activeAccounts(chatId: number): Promise<MonetaryAccount[]> {
    return (await this.accounts(chatId)).filter((account) => account.active);
  }

  /**
   * Balances from the held copy while callbacks vouch for it (see held-balances.ts), else from
   * bunq; `refresh` always reads bunq.
   */
  async balances(chatId: number, options: { refresh?: boolean } = {}): Promise<Balances> {
    const held = options.refresh ? undefined : await this.held?.fresh(chatId);
    const fetchedAt = held?.readAt ?? new Date();
    const accounts = held?.accounts ?? (await this.accounts(chatId));
    const totals = new Map<string, bigint>();
    for (const account of accounts.filter((a) => a.active)) {
      const { currency, minor } = account.balance;
      totals.set(currency, (totals.get(currency) ?? 0n) + minor);
    }
    return {
      accounts,
      totals: [...totals].map(([currency, minor]) => ({ currency, minor })),
      fetchedAt,
    };
  }

  /** One page of an account's payments, newest first; the cursor comes from an earlier page. */
  async payments(chatId: number, accountId: number, cursor: PageCursor): Promise<PaymentPage> {
    return this.contexts.run(chatId, (context) =>
      listPaymentsPage(context, accountId, { count: TRANSACTIONS_PAGE_SIZE, ...cursor }),
    );
  }
}

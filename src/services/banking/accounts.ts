/** Reading money: balances of every account and one account's payments, a page at a time. */
import { listMonetaryAccounts, type MonetaryAccount } from "../../bunq/accounts.js";
import type { Money } from "../../bunq/money.js";
import { listPaymentsPage, type PaymentPage } from "../../bunq/payments.js";
import type { BunqContexts } from "../bunq-contexts.js";

export interface Balances {
  readonly accounts: MonetaryAccount[];
  /** One total per currency over the active accounts, in order of first appearance. */
  readonly totals: Money[];
  readonly fetchedAt: Date;
}

/** Payments per /transactions page: ten lines read comfortably on a phone. */
export const TRANSACTIONS_PAGE_SIZE = 10;

export type PageCursor = { readonly olderId: number } | { readonly newerId: number } | undefined;

export class AccountsService {
  constructor(private readonly contexts: BunqContexts) {}

  async accounts(chatId: number): Promise<MonetaryAccount[]> {
    return this.contexts.run(chatId, listMonetaryAccounts);
  }

  async activeAccounts(chatId: number): Promise<MonetaryAccount[]> {
    return (await this.accounts(chatId)).filter((account) => account.active);
  }

  async balances(chatId: number, now = new Date()): Promise<Balances> {
    const accounts = await this.accounts(chatId);
    const totals = new Map<string, bigint>();
    for (const account of accounts.filter((a) => a.active)) {
      const { currency, minor } = account.balance;
      totals.set(currency, (totals.get(currency) ?? 0n) + minor);
    }
    return {
      accounts,
      totals: [...totals].map(([currency, minor]) => ({ currency, minor })),
      fetchedAt: now,
    };
  }

  /** One page of an account's payments, newest first; the cursor comes from an earlier page. */
  async payments(chatId: number, accountId: number, cursor: PageCursor): Promise<PaymentPage> {
    return this.contexts.run(chatId, (context) =>
      listPaymentsPage(context, accountId, { count: TRANSACTIONS_PAGE_SIZE, ...cursor }),
    );
  }
}

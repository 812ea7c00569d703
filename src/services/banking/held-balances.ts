/**
 * The last balances read from bunq per connection. bunq tells us by callback when money
 * moves, so a copy read after our filters were registered stays exact until a callback says
 * otherwise: /balance answers from it without a bunq read — which under bunq's rate limits
 * (and PSD2's) is what lets a burst of /balance from many chats cost reads only for users whose
 * money moved. The copy also names the connection's accounts, against which callbacks are
 * checked.
 */
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { MonetaryAccount } from "../../bunq/accounts.js";
import { formatBunqAmount, parseBunqAmount } from "../../bunq/money.js";
import type { Database } from "../../db/client.js";
import { bunqConnections, heldBalances } from "../../db/schema.js";

/** Default bound on a held copy's age: past it, /balance reads bunq whatever callbacks said. */
export const DEFAULT_HELD_BALANCE_MAX_AGE_MS = 10 * 60 * 1000;

const storedAccount = z.object({
  id: z.number().int(),
  type: z.string(),
  description: z.string(),
  balance: z.object({ value: z.string(), currency: z.string() }),
  currency: z.string(),
  iban: z.string().optional(),
  ownerName: z.string().optional(),
  status: z.string(),
  active: z.boolean(),
});

const toStored = (account: MonetaryAccount) => ({
  ...account,
  balance: { value: formatBunqAmount(account.balance), currency: account.balance.currency },
});

function fromStored(value: unknown): MonetaryAccount {
  const stored = storedAccount.parse(value);
  return {
    ...stored,
    type: stored.type as MonetaryAccount["type"],
    balance: parseBunqAmount(stored.balance.value, stored.balance.currency),
  };
}

export interface HeldCopy {
  readonly accounts: MonetaryAccount[];
  readonly readAt: Date;
}

export interface HeldBalancesOptions {
  readonly maxAgeMs?: number;
  /**
   * Since when callbacks are known to have been received without a gap: this instance's start,
   * or its last failed callback. A copy read before it may have missed a movement.
   */
  readonly callbacksLiveSince: () => Date;
}

export class HeldBalances {
  readonly #maxAgeMs: number;

  constructor(
    private readonly db: Database,
    private readonly options: HeldBalancesOptions,
  ) {
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_HELD_BALANCE_MAX_AGE_MS;
  }

  /**
   * Keeps what a bunq read returned. `readAt` is when the read *started*: a movement reported
   * while it was under way is then newer than the copy, which so counts as stale.
   */
  async keep(chatId: number, accounts: readonly MonetaryAccount[], readAt: Date): Promise<void> {
    const json = JSON.stringify(accounts.map(toStored));
    // Only for a connection that still exists (a disconnect may have run meanwhile), and a
    // slower read that started earlier never replaces a newer copy.
    await this.db.execute(sql`
      insert into held_balances (chat_id, accounts, read_at)
      select ${chatId}, ${json}::jsonb, ${readAt.toISOString()}::timestamptz
       where exists (select 1 from bunq_connections where chat_id = ${chatId})
      on conflict (chat_id) do update
         set accounts = excluded.accounts, read_at = excluded.read_at
       where held_balances.read_at <= excluded.read_at`);
  }

  /** The copy when it may be shown as the balances now (see the module comment); else undefined. */
  async fresh(chatId: number, now = new Date()): Promise<HeldCopy | undefined> {
    const [row] = await this.db
      .select({
        accounts: heldBalances.accounts,
        readAt: heldBalances.readAt,
        movedAt: heldBalances.movedAt,
        registeredAt: bunqConnections.callbacksRegisteredAt,
      })
      .from(heldBalances)
      .innerJoin(bunqConnections, eq(bunqConnections.chatId, heldBalances.chatId))
      .where(eq(heldBalances.chatId, chatId));
    if (!row?.registeredAt) return undefined;
    const { readAt } = row;
    const usable =
      readAt >= row.registeredAt &&
      readAt >= this.options.callbacksLiveSince() &&
      (row.movedAt === null || row.movedAt < readAt) &&
      now.getTime() - readAt.getTime() < this.#maxAgeMs;
    return usable ? { accounts: row.accounts.map(fromStored), readAt } : undefined;
  }

  /** The connection's accounts as last read (for checking callbacks), whatever their age. */
  async knownAccounts(chatId: number): Promise<MonetaryAccount[]> {
    const [row] = await this.db
      .select({ accounts: heldBalances.accounts })
      .from(heldBalances)
      .where(eq(heldBalances.chatId, chatId));
    return row ? row.accounts.map(fromStored) : [];
  }

  /** A callback reported money moving: the copy is stale from `at` on. */
  async markMoved(db: Pick<Database, "update">, chatId: number, at = new Date()): Promise<void> {
    await db.update(heldBalances).set({ movedAt: at }).where(eq(heldBalances.chatId, chatId));
  }
}

/**
 * Callback data codecs (each ≤ 64 bytes), one per button kind, so the button that encodes and
 * the handler that decodes can never disagree. Decoders return undefined for foreign data.
 */
import type { PageCursor } from "../services/banking/accounts.js";
import type { MoneyRequestKind } from "../services/banking/requests.js";

export const reconnectData = "connect:reconnect";
export const balanceRefreshData = "balance:refresh";
export const disconnectConfirmData = "disconnect:confirm";
export const disconnectKeepData = "disconnect:keep";

const int = (text: string | undefined) => (text === undefined ? undefined : Number(text));

export const transactionsPageData = {
  pattern: /^tx:(\d+)(?::([on]):(\d+))?$/,
  encode(accountId: number, cursor?: PageCursor): string {
    if (!cursor) return `tx:${accountId}`;
    return "olderId" in cursor
      ? `tx:${accountId}:o:${cursor.olderId}`
      : `tx:${accountId}:n:${cursor.newerId}`;
  },
  decode(data: string): { accountId: number; cursor: PageCursor } | undefined {
    const match = this.pattern.exec(data);
    if (!match) return undefined;
    const id = int(match[3]);
    const cursor = id === undefined ? undefined : match[2] === "o" ? { olderId: id } : { newerId: id };
    return { accountId: Number(match[1]), cursor };
  },
};

export const paymentDecisionData = {
  pattern: /^pay:(ok|no):([A-Za-z0-9_-]{16})$/,
  encode: (decision: "ok" | "no", nonce: string) => `pay:${decision}:${nonce}`,
  decode(data: string): { decision: "ok" | "no"; nonce: string } | undefined {
    const match = this.pattern.exec(data);
    return match ? { decision: match[1] as "ok" | "no", nonce: match[2]! } : undefined;
  },
};

export const draftStatusData = {
  pattern: /^draft:(\d+):(\d+)$/,
  encode: (accountId: number, draftId: number) => `draft:${accountId}:${draftId}`,
  decode(data: string): { accountId: number; draftId: number } | undefined {
    const match = this.pattern.exec(data);
    return match ? { accountId: Number(match[1]), draftId: Number(match[2]) } : undefined;
  },
};

export const requestStatusData = {
  pattern: /^req:(inquiry|tab):(\d+):(\d+)$/,
  encode: (kind: MoneyRequestKind, accountId: number, id: number) => `req:${kind}:${accountId}:${id}`,
  decode(data: string): { kind: MoneyRequestKind; accountId: number; id: number } | undefined {
    const match = this.pattern.exec(data);
    return match
      ? { kind: match[1] as MoneyRequestKind, accountId: Number(match[2]), id: Number(match[3]) }
      : undefined;
  },
};

/** Buttons inside conversations: pick one of the listed accounts, or stop. */
export const chooseAccountData = {
  pattern: /^choose:(\d+)$/,
  encode: (accountId: number) => `choose:${accountId}`,
  decode(data: string): number | undefined {
    const match = this.pattern.exec(data);
    return match ? Number(match[1]) : undefined;
  },
};
export const skipData = "step:skip";

/** /notifications: turn money notices on or off, or set the smallest amount announced (minor units). */
export const notificationsData = {
  pattern: /^notify:(on|off|min:(\d{1,12}))$/,
  encode: (change: { enabled: boolean } | { minimumMinor: bigint }) =>
    "enabled" in change ? `notify:${change.enabled ? "on" : "off"}` : `notify:min:${change.minimumMinor}`,
  decode(data: string): { enabled: boolean } | { minimumMinor: bigint } | undefined {
    const match = this.pattern.exec(data);
    if (!match) return undefined;
    return match[2] !== undefined ? { minimumMinor: BigInt(match[2]) } : { enabled: match[1] === "on" };
  },
};

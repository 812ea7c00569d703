/** Inline keyboards used by the features. */
import { InlineKeyboard } from "grammy";
import type { MonetaryAccount } from "../bunq/accounts.js";
import type { PageCursor } from "../services/banking/accounts.js";
import type { MoneyRequestKind } from "../services/banking/requests.js";
import {
  balanceRefreshData,
  chooseAccountData,
  disconnectConfirmData,
  disconnectKeepData,
  draftStatusData,
  notificationsData,
  paymentDecisionData,
  reconnectData,
  requestStatusData,
  transactionsPageData,
} from "./callback-data.js";

export const authorizeKeyboard = (url: string) => new InlineKeyboard().url("Open bunq to authorize", url);

export const reconnectKeyboard = () => new InlineKeyboard().text("Reconnect", reconnectData);

export const refreshBalanceKeyboard = () => new InlineKeyboard().text("Refresh", balanceRefreshData);

/** The account facts a chooser needs; plain JSON so conversations can store it. */
export interface AccountChoice {
  id: number;
  description: string;
  iban?: string | undefined;
  ownerName?: string | undefined;
  currency: string;
}

export const accountChoice = (account: MonetaryAccount): AccountChoice => ({
  id: account.id,
  description: account.description || account.type,
  iban: account.iban,
  ownerName: account.ownerName,
  currency: account.currency,
});

/** One account per row; `encode` decides what tapping it means. */
export function accountsKeyboard(
  accounts: readonly AccountChoice[],
  encode: (accountId: number) => string = chooseAccountData.encode,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const account of accounts) {
    keyboard.text(`${account.description} · ${account.currency}`, encode(account.id)).row();
  }
  return keyboard;
}

export function transactionsKeyboard(accountId: number, older?: PageCursor, newer?: PageCursor) {
  const keyboard = new InlineKeyboard();
  if (newer) keyboard.text("‹ Newer", transactionsPageData.encode(accountId, newer));
  if (older) keyboard.text("Older ›", transactionsPageData.encode(accountId, older));
  return keyboard;
}

export const paymentDecisionKeyboard = (nonce: string) =>
  new InlineKeyboard()
    .text("Confirm", paymentDecisionData.encode("ok", nonce))
    .text("Cancel", paymentDecisionData.encode("no", nonce));

export const draftStatusKeyboard = (accountId: number, draftId: number) =>
  new InlineKeyboard().text("Check status", draftStatusData.encode(accountId, draftId));

export const moneyRequestKeyboard = (kind: MoneyRequestKind, accountId: number, id: number, url?: string) => {
  const keyboard = new InlineKeyboard();
  if (url) keyboard.url("Open payment link", url).row();
  return keyboard.text("Check status", requestStatusData.encode(kind, accountId, id));
};

export const disconnectKeyboard = () =>
  new InlineKeyboard().text("Yes, disconnect", disconnectConfirmData).text("Keep it", disconnectKeepData);

/** The minimums offered as buttons (minor units); any other comes from `/notifications 25`. */
export const MINIMUM_PRESETS_MINOR = [0n, 1_000n, 5_000n, 10_000n] as const;

/** On/off, then the minimum presets with the current one marked. */
export function notificationsKeyboard(
  settings: { enabled: boolean; minimumMinor: bigint },
  label: (minor: bigint) => string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(
    settings.enabled ? "Turn off" : "Turn on",
    notificationsData.encode({ enabled: !settings.enabled }),
  );
  if (!settings.enabled) return keyboard;
  keyboard.row();
  for (const minor of MINIMUM_PRESETS_MINOR) {
    const mark = minor === settings.minimumMinor ? "✓ " : "";
    keyboard.text(`${mark}${label(minor)}`, notificationsData.encode({ minimumMinor: minor }));
  }
  return keyboard;
}

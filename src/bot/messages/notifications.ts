/** /notifications: what the chat hears when money moves, and how to change it. */
import type { NotificationSettings } from "../../services/notifications/settings.js";
import { formatMoney } from "../format/money.js";
import { notificationsLine } from "./connect.js";

/** Minimums apply to any currency's minor units; they are shown in euros, bunq's currency. */
export const minimumLabel = (minor: bigint, locale: string): string =>
  minor === 0n ? "Any amount" : `${formatMoney({ minor, currency: "EUR" }, locale)}+`;

export function notificationsText(settings: NotificationSettings, locale: string): string {
  if (settings.availability === undefined) {
    return "Notifications come with a bunq connection. Send /connect first.";
  }
  if (settings.availability !== "on") return notificationsLine(settings.availability);
  if (!settings.enabled) {
    return "Notifications are off: I do not message you when money moves. (bunq still tells me, so balances stay current.)";
  }
  const threshold =
    settings.minimumMinor === 0n
      ? "every payment"
      : `payments of ${minimumLabel(settings.minimumMinor, locale).replace(/\+$/, "")} or more`;
  return [
    `Notifications are on: I message you here for ${threshold} on your bunq accounts — money in and out, approved or declined drafts, paid or declined requests, bunq.me payments.`,
    "",
    "Pick a minimum below, or send /notifications followed by an amount (e.g. /notifications 25).",
  ].join("\n");
}

/**
 * The message that arrives when money moves. Everything in it came from a bunq callback, so
 * every name and description is clipped and escaped; amounts are exact and in the chat's
 * language formatting.
 */
import { formatIban, parseIban } from "../../bunq/iban.js";
import type { MoneyNotice } from "../../services/notifications/announcements.js";
import { formatMoney } from "../format/money.js";
import { clip, escapeHtml } from "../format/text.js";
import type { FormattedText } from "./length.js";
import { ACCOUNT_NAME_MAX, DISPLAY_NAME_MAX } from "./names.js";

const DESCRIPTION_SHOWN_MAX = 300;

const name = (text: string | undefined, fallback: string) =>
  escapeHtml(clip(text || fallback, DISPLAY_NAME_MAX));
const quoted = (description: string) =>
  description ? `\n“${escapeHtml(clip(description, DESCRIPTION_SHOWN_MAX))}”` : "";

export function moneyNoticeText(notice: MoneyNotice, locale: string): FormattedText {
  const amount = `<b>${escapeHtml(formatMoney(notice.amount, locale))}</b>`;
  const account = escapeHtml(clip(notice.accountName, ACCOUNT_NAME_MAX));
  const lines: string[] = [];
  switch (notice.kind) {
    case "payment_in":
    case "payment_out": {
      const incoming = notice.kind === "payment_in";
      const iban = notice.counterpartyIban ? parseIban(notice.counterpartyIban) : undefined;
      const who = `${name(notice.counterpartyName, "someone")}${iban ? ` (<code>${formatIban(iban)}</code>)` : ""}`;
      lines.push(
        incoming ? `💶 You received ${amount} on ${account}` : `💸 ${amount} left ${account}`,
        `${incoming ? "From" : "To"}: ${who}${quoted(notice.description)}`,
      );
      if (notice.balanceAfter) {
        lines.push(`Balance of ${account}: ${escapeHtml(formatMoney(notice.balanceAfter, locale))}`);
      }
      break;
    }
    case "draft_accepted":
      lines.push(
        `✅ Your payment of ${amount} to ${name(notice.counterpartyName, "the recipient")} was approved in the bunq app and sent from ${account}.${quoted(notice.description)}`,
      );
      break;
    case "draft_rejected":
      lines.push(
        `✖ Your payment of ${amount} to ${name(notice.counterpartyName, "the recipient")} was declined in the bunq app. Nothing was sent.${quoted(notice.description)}`,
      );
      break;
    case "request_paid":
      lines.push(
        `✅ ${name(notice.counterpartyName, "Someone")} paid your request of ${amount}; it arrived on ${account}.${quoted(notice.description)}`,
      );
      break;
    case "request_declined":
      lines.push(
        `✖ ${name(notice.counterpartyName, "The other person")} declined your request of ${amount}.${quoted(notice.description)}`,
      );
      break;
    case "bunqme_paid":
      lines.push(
        `✅ ${name(notice.payerName, "Someone")} paid ${amount} through your bunq.me link; it arrived on ${account}.${quoted(notice.description)}`,
      );
      break;
  }
  return { text: lines.join("\n"), parse_mode: "HTML" };
}

export const REVOKED_TEXT =
  "Your bunq access for this chat was withdrawn in bunq, so I deleted the access I held and will not message you about your money any more. Send /connect to connect again.";

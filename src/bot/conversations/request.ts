/**
 * /request: amount, description and whom to ask — a named person gets a request-inquiry (with
 * bunq's bunq.me fallback link), nobody in particular gets a bunq.me tab. The reply carries the
 * share link as a button and as a QR image, plus a Check status button.
 */
import { InputFile } from "grammy";
import QRCode from "qrcode";
import { moneyRequestKeyboard } from "../keyboards.js";
import {
  activeAccountsOrSay,
  askAmount,
  askCounterparty,
  askDescription,
  chooseAccount,
  type BankConversation,
} from "./prompts.js";
import type { ConversationContext } from "../context.js";
import { formatMoney, localeFor } from "../format/money.js";
import { describeCounterparty } from "./pay.js";
import type { IntentOutcome } from "../../services/banking/intents.js";
import { markTouchesBunq } from "../updates/scope.js";

export const REQUEST_CONVERSATION = "request";

export async function requestConversation(conversation: BankConversation, ctx: ConversationContext) {
  const chatId = ctx.chat!.id;
  const accounts = await activeAccountsOrSay(
    conversation,
    ctx,
    "You have no active account to receive money on.",
  );
  if (!accounts) return;
  const into = await chooseAccount(conversation, ctx, "Which account should receive the money?", accounts);
  const amount = await askAmount(
    conversation,
    ctx,
    into.currency,
    `How much do you ask for (${into.currency})?`,
  );
  const description = await askDescription(conversation, ctx, 140, "What is it for?");
  const whom = await askCounterparty(
    conversation,
    ctx,
    "Whom do you ask? Send an e-mail address, a phone number or an IBAN — or tap Anyone for a link you can share.",
    { allowNobody: true },
  );
  const from = whom.kind === "other" ? whom.counterparty : undefined;
  const progress = await conversation.external(async (outer) => {
    markTouchesBunq();
    // Keyed by this update: handling it again after a crash finds the request made the first time.
    const result = await outer.services.requests.create(chatId, String(outer.update.update_id), {
      accountId: into.id,
      amount: { minor: BigInt(amount.minor), currency: amount.currency },
      description,
      ...(from ? { from } : {}),
    });
    return result.kind === "settled"
      ? { kind: result.kind, nonce: result.intent.nonce, outcome: result.outcome }
      : { kind: result.kind };
  });
  if (progress.kind !== "settled") {
    await ctx.reply(
      progress.kind === "told"
        ? "This request was already made; it is not made again."
        : "⏳ bunq has not confirmed the request yet. I am checking with bunq and will tell you here what happened; please do not ask again.",
    );
    return;
  }
  const { outcome, nonce } = progress;
  if (outcome.kind !== "request_created") {
    await ctx.reply(requestFailureText(outcome));
    await conversation.external((outer) => outer.services.requests.markNotified(nonce));
    return;
  }
  const money = formatMoney(
    { minor: BigInt(amount.minor), currency: amount.currency },
    localeFor(ctx.from?.language_code),
  );
  const who = from ? `from ${describeCounterparty(from)}` : "from anyone with the link";
  const keyboard = moneyRequestKeyboard(outcome.request, outcome.accountId, outcome.id, outcome.shareUrl);
  if (!outcome.shareUrl) {
    await ctx.reply(`✔ Asked ${money} ${who}. bunq gave no share link for this request.`, {
      reply_markup: keyboard,
    });
    await conversation.external((outer) => outer.services.requests.markNotified(nonce));
    return;
  }
  const shareUrl = outcome.shareUrl;
  await ctx.reply(`✔ Asked ${money} ${who}.\nShare this link: ${shareUrl}`, { reply_markup: keyboard });
  await conversation.external((outer) => outer.services.requests.markNotified(nonce));
  const png = await conversation.external(async () =>
    (await QRCode.toBuffer(shareUrl, { type: "png", margin: 2, width: 400 })).toString("base64"),
  );
  await ctx.replyWithPhoto(new InputFile(Buffer.from(png, "base64"), "payment-link.png"), {
    caption: "Or let them scan this code.",
  });
}

/** A request bunq did not make, in words that say whether asking again is safe. */
export function requestFailureText(outcome: IntentOutcome): string {
  switch (outcome.kind) {
    case "refused":
      return `✖ bunq refused the request: ${outcome.reason}${outcome.responseId ? ` (reference ${outcome.responseId})` : ""}. You can send /request again.`;
    case "not_sent":
      return `✖ The request was not made: ${outcome.reason}. You can send /request again.`;
    case "outcome_unknown":
      return `⚠ I cannot tell whether bunq made the request (${outcome.reason}). Please check the bunq app before asking again.`;
    default:
      return "✔ Done.";
  }
}

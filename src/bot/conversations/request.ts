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
import { localeFor } from "../format/money.js";
import {
  MONEY_REQUEST_QR_CAPTION,
  REQUEST_ALREADY_MADE_TEXT,
  REQUEST_CHECKING_TEXT,
  moneyRequestCreatedText,
  requestFailureText,
} from "../messages/money-request.js";
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
    await ctx.reply(progress.kind === "told" ? REQUEST_ALREADY_MADE_TEXT : REQUEST_CHECKING_TEXT);
    return;
  }
  const { outcome, nonce } = progress;
  const told = () => conversation.external((outer) => outer.services.requests.markNotified(nonce));
  if (outcome.kind !== "request_created") {
    await ctx.reply(requestFailureText(outcome));
    await told();
    return;
  }
  const text = moneyRequestCreatedText({
    amount: { minor: BigInt(amount.minor), currency: amount.currency },
    from,
    shareUrl: outcome.shareUrl,
    locale: localeFor(ctx.from?.language_code),
  });
  await ctx.reply(text, {
    reply_markup: moneyRequestKeyboard(outcome.request, outcome.accountId, outcome.id, outcome.shareUrl),
  });
  await told();
  const shareUrl = outcome.shareUrl;
  if (!shareUrl) return;
  const png = await conversation.external(async () =>
    (await QRCode.toBuffer(shareUrl, { type: "png", margin: 2, width: 400 })).toString("base64"),
  );
  await ctx.replyWithPhoto(new InputFile(Buffer.from(png, "base64"), "payment-link.png"), {
    caption: MONEY_REQUEST_QR_CAPTION,
  });
}

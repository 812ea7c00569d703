/**
 * /pay: enters the pay conversation; Confirm/Cancel on its summary and Check status on a
 * draft are handled here, outside the conversation, against the payment's stored nonce.
 */
import { Composer } from "grammy";
import type { IntentOutcome } from "../../services/banking/intents.js";
import { draftStatusData, paymentDecisionData } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { PAY_CONVERSATION } from "../conversations/pay.js";
import { draftStatusKeyboard } from "../keyboards.js";
import { editOrIgnoreUnchanged } from "../telegram-errors.js";
import { currentUpdateScope, markTouchesBunq } from "../updates/scope.js";

export const payFeature = new Composer<BotContext>();
const privateChats = payFeature.chatType("private");

privateChats.command("pay", async (ctx) => {
  await ctx.conversation.enter(PAY_CONVERSATION);
});

privateChats.callbackQuery(paymentDecisionData.pattern, async (ctx) => {
  const decision = paymentDecisionData.decode(ctx.callbackQuery.data);
  if (!decision) return;
  const summary = ctx.callbackQuery.message?.text ?? "";
  if (decision.decision === "no") {
    const cancelled = await ctx.services.payments.cancel(ctx.chat.id, decision.nonce);
    await ctx.answerCallbackQuery(cancelled ? "Cancelled" : "Already handled");
    if (cancelled) await finalEdit(ctx, `${summary}\n\n✖ Cancelled. Nothing was paid.`);
    return;
  }
  markTouchesBunq();
  await ctx.answerCallbackQuery("Working on it…");
  const result = await ctx.services.payments.confirm(ctx.chat.id, decision.nonce);
  switch (result.kind) {
    case "settled": {
      const { outcome } = result;
      await finalEdit(
        ctx,
        `${summary}\n\n${paymentOutcomeText(outcome)}`,
        outcome.kind === "draft_created"
          ? draftStatusKeyboard(outcome.accountId, outcome.draftId)
          : undefined,
      );
      await ctx.services.payments.markNotified(result.intent.nonce);
      return;
    }
    case "checking":
      await finalEdit(ctx, `${summary}\n\n${CHECKING_TEXT}`);
      return;
    case "expired":
      await finalEdit(ctx, `${summary}\n\n${EXPIRED_TEXT}`);
      return;
    case "in_progress":
    case "told":
      // The first tap owns the message; a second tap only gets a note. The same tap handled
      // again (after a crash) says nothing: the outcome reaches the chat on its own.
      if ((currentUpdateScope()?.attempt ?? 1) > 1) return;
      await ctx.reply("This payment was already confirmed; it is not sent again.");
      return;
    case "not_found":
      await ctx.reply("I do not know that payment any more. Send /pay to start again.");
      return;
  }
});

privateChats.callbackQuery(draftStatusData.pattern, async (ctx) => {
  const draft = draftStatusData.decode(ctx.callbackQuery.data);
  if (!draft) return;
  const status = await ctx.services.payments.draftStatus(ctx.chat.id, draft.accountId, draft.draftId);
  await ctx.answerCallbackQuery();
  await ctx.reply(DRAFT_STATUS_TEXT[status] ?? `The draft payment's status is ${status}.`);
});

const DRAFT_STATUS_TEXT: Record<string, string> = {
  PENDING: "The draft payment is waiting for your approval in the bunq app.",
  ACCEPTED: "✔ The draft payment was approved and paid.",
  REJECTED: "✖ The draft payment was rejected in the bunq app. Nothing was paid.",
  CANCELLED: "✖ The draft payment was cancelled. Nothing was paid.",
};

const CHECKING_TEXT =
  "⏳ bunq has not confirmed this payment yet. I am checking with bunq and will tell you here what happened; please do not pay again.";
const EXPIRED_TEXT =
  "✖ This confirmation expired after 5 minutes. Nothing was paid; send /pay to start again.";

/** The last word on a payment or draft: what bunq did, never advice to repeat it unless nothing happened. */
export function paymentOutcomeText(outcome: IntentOutcome): string {
  switch (outcome.kind) {
    case "paid":
      return "✔ Paid.";
    case "draft_created":
      return "✔ Draft created. Approve it in the bunq app; tap Check status to see where it is.";
    case "refused":
      return `✖ bunq refused the payment: ${outcome.reason}${outcome.responseId ? ` (reference ${outcome.responseId})` : ""}. Nothing was paid.`;
    case "not_sent":
      return `✖ Not sent: ${outcome.reason}. Nothing was paid; you can send /pay again.`;
    case "outcome_unknown":
      return `⚠ I cannot tell whether bunq carried out this payment (${outcome.reason}). Please check the bunq app; I will not send it again.`;
    case "request_created":
      return "✔ Done.";
  }
}

/**
 * The summary's final state: its text with the outcome appended, and no more Confirm/Cancel.
 * The summary's own entities are sent back (their offsets still hold, as text is only added at
 * the end), so it keeps its formatting.
 */
async function finalEdit(ctx: BotContext, text: string, keyboard?: ReturnType<typeof draftStatusKeyboard>) {
  const entities = ctx.callbackQuery?.message?.entities;
  await editOrIgnoreUnchanged(() =>
    ctx.editMessageText(text, {
      reply_markup: keyboard ?? { inline_keyboard: [] },
      ...(entities ? { entities } : {}),
    }),
  );
}

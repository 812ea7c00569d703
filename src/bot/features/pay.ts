/**
 * /pay: enters the pay conversation; Confirm/Cancel on its summary and Check status on a
 * draft are handled here, outside the conversation, against the payment's stored nonce.
 */
import { Composer } from "grammy";
import { draftStatusData, paymentDecisionData } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { PAY_CONVERSATION } from "../conversations/pay.js";
import { draftStatusKeyboard } from "../keyboards.js";
import { draftStatusText, PAYMENT_CANCELLED_TEXT, paymentOutcomeText } from "../messages/payment-outcome.js";
import { summaryWithOutcome, type SentText } from "../messages/payment-summary.js";
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
  const summary = {
    text: ctx.callbackQuery.message?.text ?? "",
    entities: ctx.callbackQuery.message?.entities,
  };
  if (decision.decision === "no") {
    const cancelled = await ctx.services.payments.cancel(ctx.chat.id, decision.nonce);
    await ctx.answerCallbackQuery(cancelled ? "Cancelled" : "Already handled");
    if (cancelled) await finalEdit(ctx, summaryWithOutcome(summary, PAYMENT_CANCELLED_TEXT));
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
        summaryWithOutcome(summary, paymentOutcomeText(outcome)),
        outcome.kind === "draft_created"
          ? draftStatusKeyboard(outcome.accountId, outcome.draftId)
          : undefined,
      );
      await ctx.services.payments.markNotified(result.intent.nonce);
      return;
    }
    case "checking":
    case "expired":
      await finalEdit(ctx, summaryWithOutcome(summary, paymentOutcomeText(result)));
      return;
    case "in_progress":
    case "told":
      // The first tap owns the message; a second tap only gets a note. The same tap handled
      // again (after a crash) says nothing: the outcome reaches the chat on its own.
      if ((currentUpdateScope()?.attempt ?? 1) > 1) return;
      await ctx.reply(paymentOutcomeText({ kind: "already_handled" }));
      return;
    case "not_found":
      await ctx.reply(paymentOutcomeText(result));
      return;
  }
});

privateChats.callbackQuery(draftStatusData.pattern, async (ctx) => {
  const draft = draftStatusData.decode(ctx.callbackQuery.data);
  if (!draft) return;
  const status = await ctx.services.payments.draftStatus(ctx.chat.id, draft.accountId, draft.draftId);
  await ctx.answerCallbackQuery();
  await ctx.reply(draftStatusText(status));
});

/** The summary's final state (see summaryWithOutcome), and no more Confirm/Cancel. */
async function finalEdit(
  ctx: BotContext,
  { text, entities }: SentText,
  keyboard?: ReturnType<typeof draftStatusKeyboard>,
) {
  await editOrIgnoreUnchanged(() =>
    ctx.editMessageText(text, {
      reply_markup: keyboard ?? { inline_keyboard: [] },
      ...(entities ? { entities } : {}),
    }),
  );
}

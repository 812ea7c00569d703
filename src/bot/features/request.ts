/** /request: enters the request conversation; Check status reads the request or tab from bunq. */
import { Composer } from "grammy";
import { requestStatusData } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { REQUEST_CONVERSATION } from "../conversations/request.js";
import { moneyRequestStatusText } from "../messages/money-request.js";

export const requestFeature = new Composer<BotContext>();
const privateChats = requestFeature.chatType("private");

privateChats.command("request", async (ctx) => {
  await ctx.conversation.enter(REQUEST_CONVERSATION);
});

privateChats.callbackQuery(requestStatusData.pattern, async (ctx) => {
  const ref = requestStatusData.decode(ctx.callbackQuery.data);
  if (!ref) return;
  const request = await ctx.services.requests.status(ctx.chat.id, ref.kind, ref.accountId, ref.id);
  await ctx.answerCallbackQuery();
  await ctx.reply(moneyRequestStatusText(request.status));
});

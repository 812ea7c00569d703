/** /request: enters the request conversation; Check status reads the request or tab from bunq. */
import { Composer } from "grammy";
import { requestStatusData } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { REQUEST_CONVERSATION } from "../conversations/request.js";

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
  await ctx.reply(STATUS_TEXT[request.status] ?? `The request's status is ${request.status}.`);
});

const STATUS_TEXT: Record<string, string> = {
  PENDING: "The request is waiting to be paid.",
  WAITING_FOR_PAYMENT: "The payment link is waiting to be paid.",
  ACCEPTED: "✔ The request was paid.",
  REJECTED: "✖ The request was declined.",
  REVOKED: "✖ The request was withdrawn.",
  EXPIRED: "✖ The request expired.",
  CANCELLED: "✖ The payment link was cancelled.",
};

/**
 * /connect: sends the bunq authorize link as a URL button and as a QR code (for opening it on
 * another device), or, when the chat is already connected, offers to reconnect.
 */
import { Composer, InputFile } from "grammy";
import QRCode from "qrcode";
import { activeConnection, rememberChat } from "../../services/chats.js";
import { reconnectData } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { authorizeKeyboard, reconnectKeyboard } from "../keyboards.js";
import { alreadyConnectedText, authorizeLinkText, authorizeQrCaption } from "../messages/connect.js";

export const connectFeature = new Composer<BotContext>();
const privateChats = connectFeature.chatType("private");

privateChats.command("connect", async (ctx) => {
  const connection = await activeConnection(ctx.services.db, ctx.chat.id);
  if (connection) {
    await ctx.reply(alreadyConnectedText(connection.displayName), { reply_markup: reconnectKeyboard() });
    return;
  }
  await sendAuthorizeLink(ctx);
});

privateChats.callbackQuery(reconnectData, async (ctx) => {
  await ctx.answerCallbackQuery();
  await sendAuthorizeLink(ctx);
});

/** Starts a new OAuth state for the chat and sends its link twice: button and QR image. */
export async function sendAuthorizeLink(ctx: BotContext): Promise<void> {
  const chat = ctx.chat;
  const user = ctx.from;
  if (!chat || !user || chat.type !== "private") return;
  await rememberChat(ctx.services.db, {
    chatId: chat.id,
    type: "private",
    firstName: user.first_name,
    username: user.username,
    languageCode: user.language_code,
  });
  const { url, validMinutes, callbackReachableOnlyHere } = await ctx.services.connect.start(chat.id, user.id);
  await ctx.reply(authorizeLinkText(validMinutes, callbackReachableOnlyHere), {
    reply_markup: authorizeKeyboard(url),
  });
  const png = await QRCode.toBuffer(url, { type: "png", margin: 2, width: 400 });
  await ctx.replyWithPhoto(new InputFile(png, "connect-bunq.png"), {
    caption: authorizeQrCaption(validMinutes, callbackReachableOnlyHere),
  });
}

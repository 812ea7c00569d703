/** /disconnect: asks first, then removes the connection here and at bunq. */
import { Composer } from "grammy";
import { activeConnection } from "../../services/chats.js";
import { disconnectConfirmData, disconnectKeepData } from "../callback-data.js";
import { setChatCommands } from "../commands.js";
import type { BotContext } from "../context.js";
import { disconnectKeyboard } from "../keyboards.js";
import { disconnectQuestion } from "../messages/disconnect.js";

export const disconnectFeature = new Composer<BotContext>();
const privateChats = disconnectFeature.chatType("private");

privateChats.command("disconnect", async (ctx) => {
  const connection = await activeConnection(ctx.services.db, ctx.chat.id);
  if (!connection) {
    await ctx.reply("This chat is not connected to bunq. Send /connect to connect it.");
    return;
  }
  await ctx.reply(disconnectQuestion(connection.displayName), { reply_markup: disconnectKeyboard() });
});

privateChats.callbackQuery(disconnectConfirmData, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } });
  const { bunqCleanedUp } = await ctx.services.disconnect(ctx.chat.id);
  await setChatCommands(ctx.api, ctx.chat.id, false);
  await ctx.reply(
    bunqCleanedUp
      ? "Disconnected. Your bunq access and this chat's data are deleted. Send /connect to connect again."
      : "Disconnected here and your data is deleted; bunq could not be reached to end the session, so you may also remove the app in bunq (Settings → Security → Connected apps).",
  );
});

privateChats.callbackQuery(disconnectKeepData, async (ctx) => {
  await ctx.answerCallbackQuery("Kept");
  await ctx.editMessageText("OK, you stay connected.", { reply_markup: { inline_keyboard: [] } });
});

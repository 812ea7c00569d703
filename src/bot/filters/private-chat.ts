/**
 * Financial features run only in private chats: in a group, other members would see balances
 * and links. A group gets a short explanation, and nothing is stored or fetched for it.
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.js";

export const GROUP_EXPLANATION =
  "For your privacy I only handle bank matters in a private chat. Open a chat with me and send /connect there.";

/** Lets private-chat updates through to `features`; answers financial commands in groups. */
export function privateOnly(commands: string[]): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType(["group", "supergroup"]).command(commands, (ctx) => ctx.reply(GROUP_EXPLANATION));
  return composer;
}

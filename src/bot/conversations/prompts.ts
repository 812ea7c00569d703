/**
 * The questions conversations ask, each a loop that re-prompts with a reason until the answer
 * is usable. Everything returned is plain JSON, as conversation replay requires.
 */
import type { Conversation } from "@grammyjs/conversations";
import type { InlineKeyboard } from "grammy";
import type { Counterparty } from "../../bunq/aliases.js";
import { formatIban, parseIban } from "../../bunq/iban.js";
import { AmountError, parseUserAmount } from "../../bunq/money.js";
import { chooseAccountData, skipData } from "../callback-data.js";
import type { BotContext, ConversationContext } from "../context.js";
import { accountChoice, accountsKeyboard, type AccountChoice } from "../keyboards.js";
import {
  accountHolderQuestion,
  descriptionLength,
  descriptionQuestion,
  descriptionTooLong,
} from "../messages/prompts.js";

export type BankConversation = Conversation<BotContext, ConversationContext>;

/** An amount as the conversation stores it: minor units in a string (bigint is not JSON). */
export interface StoredAmount {
  minor: string;
  currency: string;
}

/**
 * The chat's active accounts, fetched once and replayed from the conversation's log after that;
 * undefined (after telling the user `whenNone`) when there are none.
 */
export async function activeAccountsOrSay(
  conversation: BankConversation,
  ctx: ConversationContext,
  whenNone: string,
): Promise<AccountChoice[] | undefined> {
  const chatId = ctx.chat!.id;
  const accounts = await conversation.external(async (outer) =>
    (await outer.services.accounts.activeAccounts(chatId)).map(accountChoice),
  );
  if (accounts.length > 0) return accounts;
  await ctx.reply(whenNone);
  return undefined;
}

type Answer = { kind: "text"; text: string } | { kind: "button"; data: string };

/** The next text message or button press; anything else gets a nudge. */
async function nextAnswer(conversation: BankConversation, hint: string): Promise<Answer> {
  for (;;) {
    const ctx = await conversation.wait();
    if (ctx.callbackQuery?.data !== undefined) {
      await ctx.answerCallbackQuery();
      return { kind: "button", data: ctx.callbackQuery.data };
    }
    if (ctx.message?.text !== undefined) return { kind: "text", text: ctx.message.text };
    await ctx.reply(hint);
  }
}

export async function chooseAccount(
  conversation: BankConversation,
  ctx: ConversationContext,
  question: string,
  accounts: readonly AccountChoice[],
): Promise<AccountChoice> {
  if (accounts.length === 1) return accounts[0]!;
  await ctx.reply(question, { reply_markup: accountsKeyboard(accounts) });
  for (;;) {
    const answer = await nextAnswer(conversation, "Please tap one of the accounts above.");
    const id = answer.kind === "button" ? chooseAccountData.decode(answer.data) : undefined;
    const account = accounts.find((candidate) => candidate.id === id);
    if (account) return account;
    await ctx.reply("Please tap one of the accounts above, or send /cancel.");
  }
}

export async function askAmount(
  conversation: BankConversation,
  ctx: ConversationContext,
  currency: string,
  question: string,
): Promise<StoredAmount> {
  await ctx.reply(question);
  for (;;) {
    const answer = await nextAnswer(conversation, "Please send the amount as text, for example 12.50.");
    if (answer.kind === "text") {
      try {
        const money = parseUserAmount(answer.text, currency);
        return { minor: money.minor.toString(), currency };
      } catch (error) {
        if (!(error instanceof AmountError)) throw error;
        await ctx.reply(`${error.message} How much (${currency})?`);
        continue;
      }
    }
    await ctx.reply(`How much (${currency})? Send a number like 12.50.`);
  }
}

export async function askDescription(
  conversation: BankConversation,
  ctx: ConversationContext,
  maxLength: number,
  question: string,
): Promise<string> {
  await ctx.reply(descriptionQuestion(question, maxLength));
  for (;;) {
    const answer = await nextAnswer(conversation, "Please send the description as text.");
    if (answer.kind === "text") {
      const text = answer.text.trim();
      if (text === "-") return "";
      if (descriptionLength(text) <= maxLength) return text;
      await ctx.reply(descriptionTooLong(text, maxLength));
      continue;
    }
    await ctx.reply("Please send the description as text, or - for none.");
  }
}

const LOOKS_LIKE_IBAN = /^[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{8,}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+[1-9]\d{7,14}$/;

/** The counterparty, or "own" with an account id when the user tapped one of their accounts. */
export type Recipient =
  | { kind: "own"; account: AccountChoice }
  | { kind: "other"; counterparty: Counterparty }
  | { kind: "nobody" };

/**
 * Asks whom to pay or to ask: one of `ownAccounts` by button, or an IBAN (then the holder's
 * name), an e-mail address or a phone number in international format.
 */
export async function askCounterparty(
  conversation: BankConversation,
  ctx: ConversationContext,
  question: string,
  options: { ownAccounts?: readonly AccountChoice[]; allowNobody?: boolean },
): Promise<Recipient> {
  const keyboard: InlineKeyboard = accountsKeyboard(options.ownAccounts ?? []);
  if (options.allowNobody) keyboard.text("Anyone (payment link)", skipData);
  await ctx.reply(question, { reply_markup: keyboard });
  for (;;) {
    const answer = await nextAnswer(
      conversation,
      "Please send an IBAN, an e-mail address or a phone number.",
    );
    if (answer.kind === "button") {
      if (answer.data === skipData && options.allowNobody) return { kind: "nobody" };
      const id = chooseAccountData.decode(answer.data);
      const account = options.ownAccounts?.find((candidate) => candidate.id === id);
      if (account) return { kind: "own", account };
      continue;
    }
    const text = answer.text.trim();
    const compactPhone = text.replace(/[\s()-]/g, "");
    if (EMAIL.test(text))
      return { kind: "other", counterparty: { type: "EMAIL", value: text.toLowerCase() } };
    if (PHONE.test(compactPhone)) {
      return { kind: "other", counterparty: { type: "PHONE_NUMBER", value: compactPhone } };
    }
    if (LOOKS_LIKE_IBAN.test(text)) {
      const iban = parseIban(text);
      if (!iban) {
        await ctx.reply(
          "That IBAN is not valid (its check digits do not match). Please check it and send it again.",
        );
        continue;
      }
      const name = await askName(conversation, ctx, formatIban(iban));
      return { kind: "other", counterparty: { type: "IBAN", value: iban, name } };
    }
    await ctx.reply(
      "I could not read that. Send an IBAN (NL91 ABNA 0417 1643 00), an e-mail address or a phone number like +31612345678.",
    );
  }
}

async function askName(conversation: BankConversation, ctx: ConversationContext, iban: string) {
  await ctx.reply(accountHolderQuestion(iban));
  for (;;) {
    const answer = await nextAnswer(conversation, "Please send the name as text.");
    const name = answer.kind === "text" ? answer.text.trim() : "";
    if (name.length >= 2 && name.length <= 140) return name;
    await ctx.reply("Please send the account holder's name (2 to 140 characters).");
  }
}

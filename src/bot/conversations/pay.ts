/**
 * /pay as a conversation: source account, recipient, amount, description, then a summary whose
 * Confirm button carries a one-time nonce. The conversation ends at the summary; the decision
 * is handled by features/pay.ts, so a confirmation works even after a restart or a redeploy.
 */
import type { Counterparty } from "../../bunq/aliases.js";
import { localeFor } from "../format/money.js";
import { paymentDecisionKeyboard } from "../keyboards.js";
import {
  BUNQ_DESCRIPTION_MAX,
  EXTERNAL_DESCRIPTION_MAX,
  paymentSummary,
} from "../messages/payment-summary.js";
import {
  activeAccountsOrSay,
  askAmount,
  askCounterparty,
  askDescription,
  chooseAccount,
  type BankConversation,
  type Recipient,
} from "./prompts.js";
import type { ConversationContext } from "../context.js";

export const PAY_CONVERSATION = "pay";

export async function payConversation(conversation: BankConversation, ctx: ConversationContext) {
  const chatId = ctx.chat!.id;
  const accounts = await activeAccountsOrSay(conversation, ctx, "You have no active account to pay from.");
  if (!accounts) return;
  const from = await chooseAccount(conversation, ctx, "Pay from which account?", accounts);
  const ownTargets = accounts.filter((a) => a.id !== from.id && a.iban && a.currency === from.currency);
  const recipient = await askCounterparty(
    conversation,
    ctx,
    ownTargets.length > 0
      ? "Who gets the money? Tap one of your accounts, or send an IBAN, an e-mail address or a phone number."
      : "Who gets the money? Send an IBAN, an e-mail address or a phone number.",
    { ownAccounts: ownTargets },
  );
  const amount = await askAmount(conversation, ctx, from.currency, `How much (${from.currency})?`);
  const external = recipient.kind === "other" && recipient.counterparty.type === "IBAN";
  const description = await askDescription(
    conversation,
    ctx,
    external ? EXTERNAL_DESCRIPTION_MAX : BUNQ_DESCRIPTION_MAX,
    "Description for the payment?",
  );
  const to = counterpartyOf(recipient);
  const ownAccount = recipient.kind === "own";
  const nonce = await conversation.external((outer) =>
    outer.services.payments.prepare(chatId, {
      fromAccountId: from.id,
      amount: { minor: BigInt(amount.minor), currency: amount.currency },
      to,
      description,
      ownAccount,
    }),
  );
  const { text, ...format } = paymentSummary({
    amount: { minor: BigInt(amount.minor), currency: amount.currency },
    from,
    to,
    description,
    ownAccount,
    locale: localeFor(ctx.from?.language_code),
  });
  await ctx.reply(text, { ...format, reply_markup: paymentDecisionKeyboard(nonce) });
}

function counterpartyOf(recipient: Recipient): Counterparty {
  if (recipient.kind === "own") {
    const { account } = recipient;
    return { type: "IBAN", value: account.iban!, name: account.ownerName ?? account.description };
  }
  if (recipient.kind === "other") return recipient.counterparty;
  throw new Error("a payment needs a recipient");
}

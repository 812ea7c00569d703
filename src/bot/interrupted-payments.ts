/**
 * Messages for payments a crash or restart interrupted between Confirm and bunq's answer. They
 * are never resent, so the user must hear that the outcome is unknown and where to check it.
 */
import type { Api } from "grammy";
import type { Money } from "../bunq/money.js";
import type { Logger } from "../logger.js";
import { interruptedPaymentText } from "./messages/interrupted-payment.js";

export async function tellInterruptedPayments(
  api: Api,
  logger: Logger,
  interrupted: readonly { chatId: number; amount: Money; description: string }[],
): Promise<void> {
  for (const payment of interrupted) {
    await api
      .sendMessage(payment.chatId, interruptedPaymentText(payment.amount, payment.description))
      .catch((error: unknown) =>
        logger.warn(
          { err: { message: String(error) } },
          "could not tell a chat about an interrupted payment",
        ),
      );
  }
}

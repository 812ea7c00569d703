/**
 * Tells chats what became of money intents the bot could not report at the time: payments and
 * requests whose sender crashed, whose answer from bunq was lost, or whose chat could not be
 * reached. Runs the reconciler at start-up and then periodically; each chat hears bunq's truth
 * once (the intent is marked notified after the message went out).
 */
import type { Api } from "grammy";
import type { Logger } from "../logger.js";
import { runPeriodically } from "../periodic.js";
import { amountOf } from "../services/banking/intent-calls.js";
import type { MoneyIntents } from "../services/banking/money-intents.js";
import { intentNoticeText } from "./messages/intent-notice.js";

export function startIntentReconciler(options: {
  intents: MoneyIntents;
  api: Api;
  logger: Logger;
  intervalMs: number;
}): { stop(): Promise<void> } {
  const { intents, api, logger } = options;
  return runPeriodically(
    async () => {
      for (const notice of await intents.reconcile()) {
        logger.info(
          { intent: notice.intent.kind, result: notice.outcome.kind },
          "intent reconciled with bunq",
        );
        try {
          const { intent, outcome } = notice;
          const text = intentNoticeText({
            kind: intent.kind,
            amount: amountOf(intent),
            description: intent.description,
            outcome,
          });
          await api.sendMessage(intent.chatId, text);
          await intents.markNotified(notice.intent.nonce);
        } catch (error) {
          logger.warn(
            { err: { name: error instanceof Error ? error.name : "unknown" } },
            "could not tell a chat an outcome",
          );
        }
      }
    },
    options.intervalMs,
    (error) =>
      logger.warn(
        { err: { name: error instanceof Error ? error.name : "unknown" } },
        "reconciliation failed",
      ),
  );
}

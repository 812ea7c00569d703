/**
 * Conversation prompts that carry a limit or echo what the user sent. Lengths are counted as
 * Telegram counts them (an emoji outside the Basic Multilingual Plane is two), since that is what
 * the announced limits protect.
 */
import { telegramLength } from "./length.js";
import { ibanText } from "./names.js";

export function descriptionQuestion(question: string, maxLength: number): string {
  return `${question} (up to ${maxLength} characters, or - for none)`;
}

/** The description's length as Telegram counts it, which is what {@link descriptionTooLong} compares. */
export const descriptionLength = (description: string) => telegramLength(description);

export function descriptionTooLong(description: string, maxLength: number): string {
  const emoji = /[\ud800-\udbff]/.test(description) ? " (emoji count as two)" : "";
  return `That description has ${descriptionLength(description)} characters${emoji}; up to ${maxLength} are allowed here. Please send a shorter one.`;
}

export function accountHolderQuestion(iban: string): string {
  return `What is the name of the account holder of ${ibanText(iban)}?`;
}

/** Conversation prompts that carry a limit or echo what the user sent. */

export function descriptionQuestion(question: string, maxLength: number): string {
  return `${question} (up to ${maxLength} characters, or - for none)`;
}

export function descriptionTooLong(length: number, maxLength: number): string {
  return `That description has ${length} characters; bunq allows ${maxLength} here. Please send a shorter one.`;
}

export function accountHolderQuestion(formattedIban: string): string {
  return `What is the name of the account holder of ${formattedIban}?`;
}

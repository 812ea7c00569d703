/** /disconnect: the question before removing a connection, naming it (clipped, names.ts). */
import { describeBunqUser } from "./names.js";

export function disconnectQuestion(displayName: string): string {
  return `Disconnect ${describeBunqUser(displayName)}? I will delete your bunq access and everything I stored for this chat.`;
}

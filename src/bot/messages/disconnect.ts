/** /disconnect: the question before removing a connection. */

export function disconnectQuestion(displayName: string): string {
  return `Disconnect ${displayName}? I will delete your bunq access and everything I stored for this chat.`;
}

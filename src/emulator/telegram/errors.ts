/**
 * A Bot API failure, answered as Telegram does: `{"ok":false,"error_code":N,"description":"..."}`.
 * Thrown anywhere in a method handler; the router turns it into the response and the rejected-call log.
 */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = "BotApiError";
  }

  toJSON() {
    return {
      ok: false as const,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** 400 with Telegram's "Bad Request: " prefix. */
export function badRequest(detail: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${detail}`);
}

export function forbidden(detail: string): BotApiError {
  return new BotApiError(403, `Forbidden: ${detail}`);
}

/** Telegram answers exactly this for a missing or mistyped method. */
export const notFound = () => new BotApiError(404, "Not Found");

export const unauthorized = () => new BotApiError(401, "Unauthorized");

export const CHAT_NOT_FOUND = "chat not found";
export const QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid";
export const MESSAGE_NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

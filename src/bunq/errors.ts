/**
 * Typed bunq errors. Each carries bunq's `X-Bunq-Client-Response-Id` (what bunq support asks
 * for) and bunq's own description where there is one; none ever carries a token, key or body
 * that could hold one.
 */
import { UNATTENDED_READS_PER_WINDOW } from "./attendance.js";

export interface BunqErrorDetails {
  readonly status?: number;
  /** bunq's X-Bunq-Client-Response-Id, for support. */
  readonly responseId?: string;
  /** Our X-Bunq-Client-Request-Id. */
  readonly requestId?: string;
  readonly method?: string;
  /** The path pattern, never the query string. */
  readonly path?: string;
}

export class BunqError extends Error {
  override name = "BunqError";
  readonly status?: number;
  readonly responseId?: string;
  readonly requestId?: string;
  readonly method?: string;
  readonly path?: string;

  constructor(message: string, details: BunqErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    Object.assign(this, details);
  }
}

/** 429: we exceeded bunq's per-IP limit despite the limiter (another process on the same IP?). */
export class RateLimitedError extends BunqError {
  override name = "RateLimitedError";
}

/** 401 "Insufficient authorisation.": the session expired or was deleted. */
export class SessionExpiredError extends BunqError {
  override name = "SessionExpiredError";
}

/** A response whose X-Bunq-Server-Signature does not verify; its body was discarded. */
export class SignatureInvalidError extends BunqError {
  override name = "SignatureInvalidError";
}

/** 400/403/404/405/466/490: bunq refused the request; `message` is bunq's description. */
export class BunqUserError extends BunqError {
  override name = "BunqUserError";
  constructor(
    message: string,
    readonly translatedMessage: string | undefined,
    details: BunqErrorDetails,
  ) {
    super(message, details);
  }
}

/** 491: bunq is in maintenance. */
export class MaintenanceError extends BunqError {
  override name = "MaintenanceError";
}

/** 5xx. */
export class ServerError extends BunqError {
  override name = "ServerError";
}

/** The connection failed or timed out; nothing is known about the outcome. */
export class NetworkError extends BunqError {
  override name = "NetworkError";
}

/** No complete answer within the time allowed; like any network failure, the outcome is unknown. */
export class TimeoutError extends NetworkError {
  override name = "TimeoutError";
}

/** An answer larger than any the endpoint documents; it was not read to the end. */
export class ResponseTooLargeError extends BunqError {
  override name = "ResponseTooLargeError";
}

/**
 * A money-moving request failed in a way that leaves its outcome unknown (timeout, 5xx) and
 * the follow-up check could not settle it. Never retried automatically.
 */
export class OutcomeUnknownError extends BunqError {
  override name = "OutcomeUnknownError";
}

/** A bunq response that does not have the documented shape. */
export class UnexpectedResponseError extends BunqError {
  override name = "UnexpectedResponseError";
}

/** OAuth token endpoint errors (`invalid_grant`, `invalid_client`, …) as documented. */
export class OAuthError extends BunqError {
  override name = "OAuthError";
  constructor(
    readonly code: string,
    message: string,
    details: BunqErrorDetails = {},
  ) {
    super(message, details);
  }
}

/**
 * A read no user asked for, refused before it was sent: the connection already made as many
 * unattended reads in the last 24 h as PSD2 allows (see `attendance.ts`). Retrying later helps;
 * retrying now does not.
 */
export class UnattendedReadRefusedError extends BunqError {
  override name = "UnattendedReadRefusedError";
  constructor(details: { readonly method: string; readonly path: string }) {
    super(
      `${details.method} ${details.path} not sent: PSD2 allows a connection at most ${UNATTENDED_READS_PER_WINDOW} reads per 24 h that no user asked for`,
      details,
    );
  }
}

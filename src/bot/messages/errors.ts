/**
 * What the user is told when an update failed: something they can act on (connect first,
 * reconnect, try later) or bunq's own words with its reference for support, both clipped
 * (bunq-words.ts) so the explanation is never itself refused for its length.
 */
import {
  BunqError,
  BunqUserError,
  MaintenanceError,
  NetworkError,
  OutcomeUnknownError,
  RateLimitedError,
  ServerError,
  UnattendedReadRefusedError,
} from "../../bunq/errors.js";
import { ConsentRevokedError, NotConnectedError } from "../../services/bunq-contexts.js";
import { bunqReference, bunqWords } from "./bunq-words.js";

export function userMessage(error: Error): string {
  const reference =
    error instanceof BunqError && error.responseId
      ? ` (bunq reference ${bunqReference(error.responseId)})`
      : "";
  if (error instanceof NotConnectedError)
    return "This chat is not connected to bunq yet. Send /connect first.";
  if (error instanceof ConsentRevokedError) {
    return "bunq no longer accepts this connection (was the app removed in bunq?). Send /connect to connect again.";
  }
  if (error instanceof UnattendedReadRefusedError) {
    return "I may read your bunq account only a few times a day without you asking; that is used up. Send a command and I will read it for you.";
  }
  if (error instanceof BunqUserError) return `bunq refused that: ${bunqWords(error.message)}${reference}`;
  if (error instanceof MaintenanceError)
    return "bunq is in maintenance right now. Please try again in a few minutes.";
  if (error instanceof RateLimitedError) return "bunq is busy right now. Please try again in a minute.";
  if (error instanceof OutcomeUnknownError) {
    return `bunq did not confirm the result. Check the bunq app before trying again${reference}.`;
  }
  if (error instanceof NetworkError || error instanceof ServerError) {
    return `bunq could not be reached. Please try again in a minute${reference}.`;
  }
  return "Sorry, something went wrong on my side. Please try again in a minute; /help lists what I can do.";
}

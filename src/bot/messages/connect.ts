/**
 * /connect: the authorize link's texts, the reconnect offer, and how the flow ended. The bunq
 * user's display name is bunq's and clipped (names.ts).
 */
import type { ConnectNotice } from "../../services/connect/connect-service.js";
import type { CallbackAvailability } from "../../services/notifications/registration.js";
import { describeBunqUser } from "./names.js";

export function alreadyConnectedText(displayName: string): string {
  return `This chat is already connected to ${describeBunqUser(displayName)}. Reconnect to replace that connection.`;
}

export function authorizeLinkText(validMinutes: number, callbackReachableOnlyHere = false): string {
  const text = `Tap the button to authorize this bot in bunq. The link is valid for ${validMinutes} minutes and works once.`;
  return callbackReachableOnlyHere
    ? `${text}\n\nOpen it in a browser on the computer that runs this bot: after you approve, bunq sends the browser back to a local address of that computer. (The bot's operator can set PUBLIC_BASE_URL so the link works anywhere.)`
    : text;
}

export function authorizeQrCaption(validMinutes: number, callbackReachableOnlyHere = false): string {
  return callbackReachableOnlyHere
    ? `The same link as a QR code; it too completes only on the computer that runs this bot (valid for ${validMinutes} minutes).`
    : `Or scan this code with the phone that has the bunq app (valid for ${validMinutes} minutes).`;
}

/** What the chat is told when the flow ends outside the chat (in the browser). */
export function connectNoticeText(notice: ConnectNotice): string {
  switch (notice.kind) {
    case "link_expired":
      return "That /connect link expired. Send /connect for a new one.";
    case "denied":
      return "Connecting bunq was cancelled. Nothing was stored.";
    case "authorization_failed":
      return "bunq did not accept the authorization. Please send /connect again.";
    case "confirmation_expired":
      return "The confirmation was not given in time. Send /connect to try again.";
    case "connected": {
      const accounts = notice.accountCount === 1 ? "1 account" : `${notice.accountCount} accounts`;
      const connected = `Connected: ${describeBunqUser(notice.displayName)}, ${accounts}`;
      return notice.notifications ? `${connected}\n\n${notificationsLine(notice.notifications)}` : connected;
    }
  }
}

/** Whether messages will arrive when money moves; when not, why, in the user's terms. */
export function notificationsLine(availability: CallbackAvailability): string {
  switch (availability) {
    case "on":
      return "I will message you here when money moves on your accounts. /notifications changes that.";
    case "full":
      return "Notifications are off: bunq allows two apps to receive your account's notifications, and two others already do. Everything else works; remove one of those apps in bunq and /connect again to get them.";
    case "no_public_url":
      return "Notifications are not available: this bot has no public address for bunq to reach (its operator can set PUBLIC_BASE_URL).";
    case "failed":
      return "Notifications could not be set up just now; everything else works. /connect again to retry.";
  }
}

/**
 * The OAuth callback and the confirmation step. The callback only prepares the connection;
 * the user must press Confirm (a POST with a CSRF token bound to the state) to store it. The
 * user's browser is waiting on both, so their bunq reads are attended.
 */
import express, { Router } from "express";
import { z } from "zod";
import { attended } from "../bunq/attendance.js";
import type { ConnectService } from "../services/connect/connect-service.js";
import { escapeHtml, messagePage, page } from "./pages.js";
import { noReferrer } from "./security-headers.js";

const callbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
});
const confirmForm = z.object({ state: z.string().max(200).optional(), csrf: z.string().max(200).optional() });

const FAILURES = {
  invalid: [
    "Link not valid",
    "This link was already used or is not valid. Send /connect in Telegram for a new one.",
  ],
  expired: ["Link expired", "This link has expired. Send /connect in Telegram for a new one."],
  denied: ["Not connected", "You did not give access, so nothing was connected. You can close this page."],
  failed: ["Not connected", "bunq did not accept the authorization. Send /connect in Telegram to try again."],
} as const;

export function oauthRoutes(connect: ConnectService): Router {
  const router = Router();
  router.use(noReferrer);

  router.get("/oauth/callback", async (req, res) => {
    const query = callbackQuery.safeParse(req.query);
    const outcome = query.success
      ? await attended("oauth-browser", () => connect.handleCallback(query.data))
      : ({ kind: "invalid" } as const);
    if (outcome.kind !== "confirm") {
      const [title, message] = FAILURES[outcome.kind];
      res.status(400).type("html").send(messagePage(title, message));
      return;
    }
    const who = [
      outcome.telegram.firstName,
      outcome.telegram.username ? `@${outcome.telegram.username}` : null,
    ]
      .filter((part): part is string => Boolean(part))
      .join(" ");
    const accounts = outcome.accountCount === 1 ? "1 account" : `${outcome.accountCount} accounts`;
    res.type("html").send(
      page(
        "Confirm connection",
        `<p>Connect bunq (<strong>${escapeHtml(outcome.bunqDisplayName)}</strong>, ${accounts}) to the Telegram account <strong>${escapeHtml(who || "unknown")}</strong>?</p>
<p>Only continue if that Telegram account is yours.</p>
<form method="post" action="/oauth/confirm">
<input type="hidden" name="state" value="${escapeHtml(query.data?.state ?? "")}">
<input type="hidden" name="csrf" value="${escapeHtml(outcome.csrfToken)}">
<button type="submit">Confirm</button></form>`,
      ),
    );
  });

  router.post("/oauth/confirm", express.urlencoded({ extended: false, limit: "4kb" }), async (req, res) => {
    const form = confirmForm.safeParse(req.body ?? {});
    const outcome = form.success
      ? await attended("oauth-browser", () => connect.confirm(form.data))
      : ({ kind: "invalid" } as const);
    if (outcome.kind !== "connected") {
      const [title, message] = FAILURES[outcome.kind];
      res.status(400).type("html").send(messagePage(title, message));
      return;
    }
    res
      .type("html")
      .send(
        messagePage("Connected", `Connected to ${outcome.displayName}. You can go back to Telegram now.`),
      );
  });
  return router;
}

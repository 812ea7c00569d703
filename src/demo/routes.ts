/**
 * The offline demo in a browser at /demo: a Telegram-like chat with the real bot, beside a panel
 * that plays the bunq app. The page talks only to these routes, and they make a fixed set of calls
 * to the two emulators' control APIs (never a path the browser chose), parse the answers with zod
 * and hand back trimmed JSON: no photo bytes, no tokens, no emulator addresses.
 */
import { readFileSync } from "node:fs";
import express, { Router, type ErrorRequestHandler, type RequestHandler } from "express";
import { z } from "zod";
import { noReferrer } from "../server/security-headers.js";
import { demoPage } from "./page.js";

export interface DemoRoutesOptions {
  /** Telegram emulator control base URL, e.g. http://127.0.0.1:P/_emulator */
  readonly telegramControl: string;
  /** bunq emulator control base URL, e.g. http://127.0.0.1:Q/_emulator */
  readonly bunqControl: string;
  /** The Telegram user who chats in the demo (already created in the Telegram emulator by the caller). Their private chat id equals their user id. */
  readonly telegramUserId: number;
  /** The bunq sandbox user whose money the side panel shows. */
  readonly bunqUserId: number;
}

/** The page loads its one script and stylesheet from here and talks only to here. */
export const DEMO_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** The demo runs on one machine: an emulator that has not answered by then is not going to. */
const EMULATOR_TIMEOUT_MS = 5_000;
/** Telegram clients stop showing "typing…" this long after the last chat action. */
const TYPING_SHOWS_MS = 5_000;
const JSON_BODY = express.json({ limit: "16kb" });
const PHOTO_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** A failure the page shows as it is: an HTTP status and one short sentence. */
class DemoError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "DemoError";
  }
}

// --- What the browser may send -------------------------------------------------------------

/** A positive amount of money as the bank writes it: digits, at most two decimals, never a float. */
const AMOUNT = /^(?:0|[1-9]\d{0,8})(?:\.\d{1,2})?$/;
const AMOUNT_RULE = "Enter an amount like 25.00: more than 0, at most two decimals.";

const messageBody = z.object({
  text: z.string().trim().min(1, "Type a message first.").max(4096, "A message is at most 4096 characters."),
});
const pressBody = z.object({
  message_id: z.number().int().positive(),
  callback_data: z
    .string()
    .min(1)
    .refine((data) => Buffer.byteLength(data, "utf8") <= 64, "callback_data is at most 64 bytes"),
});
const incomingPaymentBody = z.object({
  account_id: z.number().int().positive(),
  amount: z
    .string()
    .regex(AMOUNT, AMOUNT_RULE)
    .refine((amount) => /[1-9]/.test(amount), AMOUNT_RULE),
});
/** Decisions carry no data, but a JSON body all the same: a cross-site form cannot send one. */
const decisionBody = z.object({});
const positiveId = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, "not an id")
  .transform(Number);
const fileParams = z.object({ fileId: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "not a file id") });
const decisionParams = z.object({
  kind: z.enum(["drafts", "requests"]),
  id: positiveId,
  decision: z.enum(["accept", "reject"]),
});

// --- What the emulators answer -------------------------------------------------------------

const emulatorError = z.object({ error: z.string() });
const entity = z.object({
  type: z.string(),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  url: z.string().optional(),
  language: z.string().optional(),
});
const button = z.object({
  text: z.string(),
  callback_data: z.string().optional(),
  url: z.string().optional(),
});
const transcriptAnswer = z.object({
  messages: z.array(
    z.object({
      message_id: z.number().int(),
      sender: z.enum(["bot", "user"]),
      date: z.number(),
      text: z.string().optional(),
      entities: z.array(entity).default([]),
      caption: z.string().optional(),
      caption_entities: z.array(entity).default([]),
      buttons: z.array(z.array(button)).default([]),
      photo: z.object({ file_id: z.string(), width: z.number(), height: z.number() }).optional(),
      edited: z.boolean().default(false),
      deleted: z.boolean().default(false),
    }),
  ),
  actions: z.array(z.object({ action: z.string(), at: z.number() })).default([]),
});
/** Parsed field by field on purpose: the emulator's answer also carries the bot's token. */
const botAnswer = z.object({ first_name: z.string(), username: z.string() });
const commandsAnswer = z.object({
  commands: z.array(z.object({ command: z.string(), description: z.string() })),
});
const sentMessageAnswer = z.object({ message: z.object({ message_id: z.number().int() }) });
const pressAnswer = z.object({ callback_query_id: z.string().nullable() });
const bunqUserAnswer = z.object({
  display_name: z.string(),
  accounts: z.array(
    z.object({
      id: z.number().int(),
      type: z.string(),
      iban: z.string(),
      description: z.string(),
      balance: z.string(),
      currency: z.string(),
    }),
  ),
  draft_payments: z.array(z.object({ id: z.number().int(), status: z.string() })),
  request_inquiries: z.array(
    z.object({ id: z.number().int(), status: z.string(), share_url: z.string().nullable() }),
  ),
});
const incomingPaymentAnswer = z.object({ payment_id: z.number().int(), balance: z.string() });
const decisionAnswer = z.object({ id: z.number().int(), status: z.string() });

type BunqUser = z.infer<typeof bunqUserAnswer>;
type Transcript = z.infer<typeof transcriptAnswer>;

const ACCOUNT_TYPES: Record<string, string> = {
  MonetaryAccountBank: "Bank account",
  MonetaryAccountSavings: "Savings account",
  MonetaryAccountJoint: "Joint account",
};

/** Draft payments wait for the account holder; request inquiries wait for the person asked. */
const PENDING_KINDS = {
  drafts: { path: "draft-payments", name: "draft payment", of: (user: BunqUser) => user.draft_payments },
  requests: { path: "request-inquiries", name: "request", of: (user: BunqUser) => user.request_inquiries },
} as const;

// --- Calling the emulators -----------------------------------------------------------------

interface Emulator {
  readonly name: string;
  readonly control: string;
}

async function fetchEmulator(emulator: Emulator, method: "GET" | "POST", path: string, body?: unknown) {
  try {
    return await fetch(`${emulator.control}${path}`, {
      method,
      signal: AbortSignal.timeout(EMULATOR_TIMEOUT_MS),
      ...(body !== undefined
        ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }
        : {}),
    });
  } catch {
    throw new DemoError(502, `The ${emulator.name} emulator did not answer.`);
  }
}

/** The emulator's refusal as a DemoError: its 4xx sentence as it is, anything worse as a 502. */
async function refusal(emulator: Emulator, response: Response): Promise<DemoError> {
  const json: unknown = await response.json().catch(() => undefined);
  const message = emulatorError.safeParse(json).data?.error;
  return response.status >= 500 || message === undefined
    ? new DemoError(502, `The ${emulator.name} emulator failed (${response.status}).`)
    : new DemoError(response.status, message);
}

async function callEmulator<T>(
  emulator: Emulator,
  method: "GET" | "POST",
  path: string,
  answer: z.ZodType<T>,
  body?: unknown,
): Promise<T> {
  const response = await fetchEmulator(emulator, method, path, body);
  if (!response.ok) throw await refusal(emulator, response);
  const parsed = answer.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success)
    throw new DemoError(502, `The ${emulator.name} emulator answered something unexpected.`);
  return parsed.data;
}

function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.join(".");
  throw new DemoError(400, where ? `${where}: ${issue?.message}` : (issue?.message ?? "Invalid request."));
}

// --- Shaping answers for the page ------------------------------------------------------------

function chatForPage(transcript: Transcript, now: number) {
  const visible = transcript.messages.filter((message) => !message.deleted);
  const lastBotMessage = visible.filter((message) => message.sender === "bot").at(-1);
  // Message dates are whole seconds: an action within the second of the last message is older.
  const typingSince = Math.max(now - TYPING_SHOWS_MS, ((lastBotMessage?.date ?? 0) + 1) * 1000);
  return {
    typing: transcript.actions.some((action) => action.action === "typing" && action.at >= typingSince),
    messages: visible.map((message) => ({
      id: message.message_id,
      sender: message.sender,
      date: message.date,
      edited: message.edited,
      ...(message.text !== undefined ? { text: message.text, entities: message.entities } : {}),
      ...(message.caption !== undefined
        ? { caption: message.caption, caption_entities: message.caption_entities }
        : {}),
      ...(message.photo
        ? {
            photo: {
              url: `/demo/api/files/${encodeURIComponent(message.photo.file_id)}`,
              width: message.photo.width,
              height: message.photo.height,
            },
          }
        : {}),
      keyboard: message.buttons
        .filter((row) => row.length > 0)
        .map((row) =>
          row.map((key) =>
            key.callback_data !== undefined
              ? { text: key.text, callback_data: key.callback_data }
              : key.url !== undefined
                ? { text: key.text, url: key.url }
                : { text: key.text },
          ),
        ),
    })),
  };
}

function bankForPage(user: BunqUser) {
  return {
    display_name: user.display_name,
    accounts: user.accounts.map((account) => ({
      id: account.id,
      type: ACCOUNT_TYPES[account.type] ?? account.type,
      description: account.description,
      iban: account.iban,
      balance: account.balance,
      currency: account.currency,
    })),
    drafts: user.draft_payments.filter((draft) => draft.status === "PENDING").map(({ id }) => ({ id })),
    requests: user.request_inquiries
      .filter((request) => request.status === "PENDING")
      .map(({ id, share_url }) => ({ id, share_url })),
  };
}

/** At most two decimals in, exactly two out, as bunq writes amounts: "25" → "25.00", "7.5" → "7.50". */
function twoDecimals(amount: string): string {
  const [units, cents = ""] = amount.split(".");
  return `${units}.${cents.padEnd(2, "0")}`;
}

// --- The router ----------------------------------------------------------------------------

/** Replaces the app-wide policy, which allows no scripts at all. */
const demoPolicy: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", DEMO_CONTENT_SECURITY_POLICY);
  next();
};

const readAsset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url));

/** A speech bubble, so the browser asks for no /favicon.ico outside the demo's routes. */
const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2f7d5b"/>' +
  '<path d="M8 9h16a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-9l-5 4v-4H8a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2z" fill="#fff"/></svg>';

export function demoRoutes(options: DemoRoutesOptions): Router {
  const telegram: Emulator = { name: "Telegram", control: options.telegramControl };
  const bunq: Emulator = { name: "bunq", control: options.bunqControl };
  const userId = options.telegramUserId;
  const chatId = options.telegramUserId;
  const script = readAsset("demo.js");
  const stylesheet = readAsset("demo.css");
  const html = demoPage();
  let botName: Promise<z.infer<typeof botAnswer>> | undefined;

  /** The private chat exists once the user writes; before that, the emulator is asked to open it. */
  async function inPrivateChat<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof DemoError && error.status === 404)) throw error;
      await callEmulator(telegram, "POST", "/chats", z.unknown(), { type: "private", user_id: userId });
      return call();
    }
  }

  const bunqUser = () => callEmulator(bunq, "GET", `/users/${options.bunqUserId}`, bunqUserAnswer);

  const router = Router();
  // The chat carries the /connect link with its OAuth state: no Referer, no cache, as the OAuth pages.
  router.use("/demo", noReferrer, demoPolicy);

  router.get("/demo", (_req, res) => {
    res.type("html").send(html);
  });
  router.get("/demo/assets/demo.js", (_req, res) => {
    res.type("text/javascript").setHeader("Cache-Control", "no-cache").send(script);
  });
  router.get("/demo/assets/demo.css", (_req, res) => {
    res.type("text/css").setHeader("Cache-Control", "no-cache").send(stylesheet);
  });
  router.get("/demo/assets/icon.svg", (_req, res) => {
    res.type("image/svg+xml").setHeader("Cache-Control", "no-cache").send(ICON);
  });

  router.get("/demo/api/chat", async (_req, res) => {
    botName ??= callEmulator(telegram, "GET", "/bot", botAnswer).catch((error: unknown) => {
      botName = undefined;
      throw error;
    });
    const [transcript, bot] = await Promise.all([
      inPrivateChat(() => callEmulator(telegram, "GET", `/chats/${chatId}/transcript`, transcriptAnswer)),
      botName,
    ]);
    res.json({
      bot: { name: bot.first_name, username: bot.username },
      ...chatForPage(transcript, Date.now()),
    });
  });

  router.get("/demo/api/commands", async (_req, res) => {
    const menu = await inPrivateChat(() =>
      callEmulator(telegram, "GET", `/chats/${chatId}/commands?user_id=${userId}`, commandsAnswer),
    );
    res.json({ commands: menu.commands });
  });

  router.post("/demo/api/messages", JSON_BODY, async (req, res) => {
    const { text } = parseInput(messageBody, req.body);
    const sent = await callEmulator(telegram, "POST", "/messages", sentMessageAnswer, {
      user_id: userId,
      text,
    });
    res.json({ message_id: sent.message.message_id });
  });

  router.post("/demo/api/press", JSON_BODY, async (req, res) => {
    const press = parseInput(pressBody, req.body);
    const answer = await callEmulator(telegram, "POST", "/callback-queries", pressAnswer, {
      user_id: userId,
      chat_id: chatId,
      message_id: press.message_id,
      callback_data: press.callback_data,
    });
    res.json({ callback_query_id: answer.callback_query_id });
  });

  router.get("/demo/api/files/:fileId", async (req, res) => {
    const { fileId } = parseInput(fileParams, req.params);
    const response = await fetchEmulator(telegram, "GET", `/files/${encodeURIComponent(fileId)}`);
    if (!response.ok) throw await refusal(telegram, response);
    const type = response.headers.get("content-type") ?? "";
    res
      .type(PHOTO_TYPES.has(type) ? type : "application/octet-stream")
      // A file id always names the same bytes.
      .setHeader("Cache-Control", "private, max-age=86400, immutable")
      .send(Buffer.from(await response.arrayBuffer()));
  });

  router.get("/demo/api/bank", async (_req, res) => {
    res.json(bankForPage(await bunqUser()));
  });

  router.post("/demo/api/bank/incoming-payment", JSON_BODY, async (req, res) => {
    const payment = parseInput(incomingPaymentBody, req.body);
    const user = await bunqUser();
    if (!user.accounts.some((account) => account.id === payment.account_id))
      throw new DemoError(404, "No such account.");
    const answer = await callEmulator(
      bunq,
      "POST",
      `/accounts/${payment.account_id}/incoming-payments`,
      incomingPaymentAnswer,
      { amount: twoDecimals(payment.amount), description: "Demo payment", counterparty_name: "J. Stranger" },
    );
    res.json(answer);
  });

  router.post("/demo/api/bank/:kind/:id/:decision", JSON_BODY, async (req, res) => {
    const { kind, id, decision } = parseInput(decisionParams, req.params);
    parseInput(decisionBody, req.body);
    const pending = PENDING_KINDS[kind];
    const user = await bunqUser();
    if (!pending.of(user).some((item) => item.id === id && item.status === "PENDING"))
      throw new DemoError(404, `No pending ${pending.name} ${id}.`);
    res.json(await callEmulator(bunq, "POST", `/${pending.path}/${id}/${decision}`, decisionAnswer));
  });

  router.use("/demo", (_req, _res, next) => next(new DemoError(404, "Not found.")));
  router.use("/demo", demoErrors);
  return router;
}

/**
 * Demo failures and refused bodies as `{"error": "..."}` for the page to show; anything else is a
 * bug, left to the app's error handler, which logs it.
 */
const demoErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (error instanceof DemoError) {
    res.status(error.status).json({ error: error.message });
    return;
  }
  // Body parser refusals: malformed JSON (400), too large (413), a charset it cannot read (415).
  const status = typeof error === "object" && error !== null && "status" in error ? error.status : undefined;
  if (typeof status === "number" && status >= 400 && status < 500) {
    res
      .status(status)
      .json({ error: status === 413 ? "Request body too large." : "Request body is not valid JSON." });
    return;
  }
  next(error);
};

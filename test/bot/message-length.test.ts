/**
 * Every message fits: Telegram refuses texts over 4096 and captions over 1024 characters
 * (counted after entity parsing, in UTF-16 code units), and a refused message fails again on
 * every retry. Each renderer in src/bot/messages is fed maximal and adversarial content and
 * measured twice: with our telegramLength and with the Telegram emulator's own parser and limit
 * check, which must agree.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Counterparty } from "../../src/bunq/aliases.js";
import {
  BunqUserError,
  MaintenanceError,
  NetworkError,
  OutcomeUnknownError,
  ServerError,
} from "../../src/bunq/errors.js";
import type { MonetaryAccount } from "../../src/bunq/accounts.js";
import type { Payment } from "../../src/bunq/payments.js";
import { clip, clipText, escapeHtml } from "../../src/bot/format/text.js";
import type { AccountChoice } from "../../src/bot/keyboards.js";
import { balancesMessage } from "../../src/bot/messages/balance.js";
import {
  alreadyConnectedText,
  authorizeLinkText,
  authorizeQrCaption,
  connectNoticeText,
} from "../../src/bot/messages/connect.js";
import { disconnectQuestion } from "../../src/bot/messages/disconnect.js";
import { userMessage } from "../../src/bot/messages/errors.js";
import { intentNoticeText } from "../../src/bot/messages/intent-notice.js";
import { CAPTION_MAX_LENGTH, MESSAGE_MAX_LENGTH, telegramLength } from "../../src/bot/messages/length.js";
import {
  MONEY_REQUEST_QR_CAPTION,
  moneyRequestCreatedText,
  moneyRequestStatusText,
} from "../../src/bot/messages/money-request.js";
import {
  draftStatusText,
  PAYMENT_CANCELLED_TEXT,
  paymentOutcomeText,
} from "../../src/bot/messages/payment-outcome.js";
import {
  BUNQ_DESCRIPTION_MAX,
  EXTERNAL_DESCRIPTION_MAX,
  paymentSummary,
  summaryWithOutcome,
  type SentText,
} from "../../src/bot/messages/payment-summary.js";
import {
  accountHolderQuestion,
  descriptionQuestion,
  descriptionTooLong,
} from "../../src/bot/messages/prompts.js";
import { transactionsPage } from "../../src/bot/messages/transactions.js";
import { ConsentRevokedError, NotConnectedError } from "../../src/services/bunq-contexts.js";
import type { PaymentWord } from "../../src/bot/messages/payment-outcome.js";
import { parseHtml } from "../../src/emulator/telegram/html.js";
import { formatText } from "../../src/emulator/telegram/methods/common.js";

/** Text people and bunq write at their worst: astral emoji, joiners, HTML specials, newlines. */
const nastyChar = fc.oneof(
  fc.constantFrom(
    "a",
    " ",
    "\n",
    "&",
    "<",
    ">",
    '"',
    "'",
    ";",
    "é",
    "€",
    "😀",
    "👨‍👩‍👧",
    "🇳🇱",
    "\u0301",
    "&amp;",
  ),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
);
const nastyText = (maxLength: number) => fc.array(nastyChar, { maxLength }).map((parts) => parts.join(""));

/** HTML the way the renderers write it: escaped text, optionally inside one or two supported tags. */
const htmlFragment = fc.oneof(
  nastyText(30).map(escapeHtml),
  fc
    .tuple(fc.constantFrom("b", "i", "code", "u", "s"), nastyText(30))
    .map(([tag, text]) => `<${tag}>${escapeHtml(text)}</${tag}>`),
  fc
    .tuple(
      fc.constantFrom("&#128512;", "&#x1F600;", "&#65;", "&nbsp;", "&QUOT;", "&#99999999;"),
      nastyText(5),
    )
    .map(([entity, text]) => `${entity}${escapeHtml(text)}`),
  fc.webUrl().map((url) => `<a href="${escapeHtml(url)}">link</a>`),
);

describe("telegramLength", () => {
  it("agrees with the Telegram emulator's HTML parser on the visible length", () => {
    fc.assert(
      fc.property(fc.array(htmlFragment, { maxLength: 12 }), (fragments) => {
        const html = fragments.join("");
        expect(telegramLength(html, "HTML")).toBe(parseHtml(html).text.length);
      }),
    );
  });

  it("counts UTF-16 code units: tags are free, entities count once, astral emoji twice", () => {
    expect(telegramLength("<b>a&amp;b</b> 😀")).toBe("<b>a&amp;b</b> 😀".length);
    expect(telegramLength("<b>a&amp;b</b> 😀", "HTML")).toBe(6);
    expect(telegramLength("&amp;lt;", "HTML")).toBe(4);
  });
});

describe("clipping", () => {
  it("stays within the limit, cuts between code points and keeps what fits unchanged", () => {
    fc.assert(
      fc.property(nastyText(80), fc.integer({ min: 0, max: 100 }), (text, max) => {
        const clipped = clipText(text, max);
        expect(clipped.length).toBeLessThanOrEqual(max);
        if (text.length <= max) expect(clipped).toBe(text);
        else expect(clipped === "" || clipped.endsWith("…")).toBe(true);
        expect(text.startsWith(clipped.replace(/…$/, ""))).toBe(true);
        expect(clipped).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
        expect(clip(text, max).length).toBeLessThanOrEqual(max);
        expect(clip(text, max)).not.toContain("\n");
      }),
    );
  });

  it("escaping after clipping never breaks an entity", () => {
    fc.assert(
      fc.property(nastyText(40), fc.integer({ min: 1, max: 40 }), (text, max) => {
        const html = escapeHtml(clipText(text, max));
        expect(() => parseHtml(html)).not.toThrow();
        expect(telegramLength(html, "HTML")).toBeLessThanOrEqual(max);
      }),
    );
  });
});

const locale = fc.constantFrom("en", "nl", "de-CH", "fr", "fa", "ar-EG", "hi", "ja", "my");
const currency = fc.constantFrom("EUR", "USD", "JPY", "BHD", "XOF", "CHF", "GBP");
/** What parseUserAmount lets a person type: up to 10^15 - 1 minor units. */
const typedMinor = fc.oneof(fc.constant(10n ** 15n - 1n), fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }));
/** bunq's amounts, sums of them, and absurd ones: the renderers must not trust their size. */
const anyMinor = fc.oneof(typedMinor, fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }));
const money = (minor: fc.Arbitrary<bigint>) => fc.record({ minor, currency });

/** Exactly `units` UTF-16 units (Telegram's measure) of a repeated nasty pattern. */
const filled = (units: number) =>
  fc.array(nastyChar, { minLength: 1, maxLength: 6 }).map((pattern) => {
    const unit = pattern.join("") || "a";
    const long = unit.repeat(Math.ceil(units / unit.length) + 1);
    const cut = clipText(long, units + 1).replace(/…$/, "");
    return cut.padEnd(units, "a").slice(0, units);
  });
/** Content from bunq or another person: anything from empty to absurdly long. */
const foreignText = fc.oneof(nastyText(40), filled(300), filled(5000), filled(20_000));
const validIban = fc.constantFrom(
  "NL91ABNA0417164300",
  "FR1420041010050500013M02606",
  "MT84MALT011000012345MTLCAST001S",
  "RU0204452560040702810412345678901",
);
const ibanFromBunq = fc.oneof(validIban, foreignText);

/**
 * The message is one Telegram accepts: within 4096 (caption 1024) as we count it and as the
 * emulator counts it (which must agree), and its entities lie inside its text.
 */
function expectFits(
  message: string | { text: string; parse_mode?: "HTML"; entities?: SentText["entities"] },
  kind: "text" | "caption" = "text",
) {
  const { text, parse_mode, entities } = typeof message === "string" ? { text: message } : message;
  const length = telegramLength(text, parse_mode);
  expect(length).toBeLessThanOrEqual(kind === "text" ? MESSAGE_MAX_LENGTH : CAPTION_MAX_LENGTH);
  const asTelegramSees = formatText(text, parse_mode, entities, kind);
  expect(asTelegramSees.text.length).toBe(length);
  for (const entity of entities ?? []) expect(entity.offset + entity.length).toBeLessThanOrEqual(text.length);
}

const heavy = { numRuns: 40 };

const accountChoice: fc.Arbitrary<AccountChoice> = fc.record({
  id: fc.nat(),
  description: foreignText,
  iban: fc.option(ibanFromBunq, { nil: undefined }),
  ownerName: fc.option(foreignText, { nil: undefined }),
  currency,
});

/** A name a person typed for an IBAN: 2 to 140 characters (askName). */
const typedName = fc.oneof(
  filled(140),
  nastyText(20).map((t) => `ab${t}`.slice(0, 140)),
);
/** Whom /pay sends to: a typed IBAN and name, one of the user's accounts as bunq names it, e-mail, phone. */
const counterparty: fc.Arbitrary<Counterparty> = fc.oneof(
  fc.record({ type: fc.constant("IBAN" as const), value: validIban, name: typedName }),
  fc.record({ type: fc.constant("IBAN" as const), value: ibanFromBunq, name: foreignText }),
  fc.record({ type: fc.constant("EMAIL" as const), value: fc.oneof(fc.emailAddress(), foreignText) }),
  fc.record({ type: fc.constant("PHONE_NUMBER" as const), value: fc.constant("+123456789012345") }),
);

/** Every way a confirmation can end, bunq's refusal with its longest words and reference. */
const outcome: fc.Arbitrary<PaymentWord> = fc.oneof(
  fc.constant({ kind: "paid", paymentId: 1 } as const),
  fc.constant({ kind: "draft_created", draftId: 1, accountId: 1 } as const),
  fc.record({
    kind: fc.constant("request_created" as const),
    request: fc.constantFrom("inquiry" as const, "tab" as const),
    id: fc.constant(1),
    accountId: fc.constant(1),
    status: foreignText,
    shareUrl: fc.option(foreignText, { nil: undefined }),
  }),
  fc.constant({ kind: "checking" } as const),
  fc.constant({ kind: "expired" } as const),
  fc.constant({ kind: "already_handled" } as const),
  fc.constant({ kind: "not_found" } as const),
  fc.record({
    kind: fc.constantFrom("not_sent" as const, "outcome_unknown" as const),
    reason: foreignText,
  }),
  fc.record({
    kind: fc.constant("refused" as const),
    reason: foreignText,
    responseId: fc.option(foreignText, { nil: undefined }),
  }),
);
/** Outcomes a payment or request can settle with (what a later notice reports). */
const settled = outcome.filter(
  (word): word is Exclude<PaymentWord, { kind: "checking" | "expired" | "already_handled" | "not_found" }> =>
    !["checking", "expired", "already_handled", "not_found"].includes(word.kind),
);
const outcomeTexts = fc.oneof(outcome.map(paymentOutcomeText), fc.constant(PAYMENT_CANCELLED_TEXT));

/** The summary as Telegram stores it (what the Confirm tap hands back): visible text and entities. */
const asSent = (summary: { text: string }): SentText => {
  const { text, entities } = parseHtml(summary.text);
  // The emulator's entities are plain Bot API MessageEntity objects; grammY types them as a union.
  return { text, entities: entities as unknown as SentText["entities"] };
};

describe("/pay summary", () => {
  it("announces min(bunq's limit, what fits), the figures the README names", () => {
    expect(EXTERNAL_DESCRIPTION_MAX).toBe(140);
    expect(BUNQ_DESCRIPTION_MAX).toBe(3000);
  });

  it("fits the review's case: the longest description offered, then bunq's longest refusal appended", () => {
    const summary = paymentSummary({
      amount: { minor: 10n ** 15n - 1n, currency: "EUR" },
      from: { id: 1, description: "Main", iban: "NL91ABNA0417164300", currency: "EUR" },
      to: { type: "IBAN", value: "NL32BUNQ2025822858", name: "J".repeat(140) },
      description: "x".repeat(BUNQ_DESCRIPTION_MAX),
      ownAccount: false,
      locale: "en",
    });
    expectFits(summary);
    const sent = asSent(summary);
    expect(sent.text).toContain("x".repeat(BUNQ_DESCRIPTION_MAX));
    const refused = paymentOutcomeText({
      kind: "refused",
      reason: "r".repeat(9000),
      responseId: "i".repeat(9000),
    });
    expectFits(summaryWithOutcome(sent, refused));
    expect(summaryWithOutcome(sent, refused).text).toBe(`${sent.text}\n\n${refused}`);
  });

  it("fits with a description at the announced limit and keeps it whole, also once the longest outcome is appended", () => {
    fc.assert(
      fc.property(
        fc.record({
          amount: money(typedMinor),
          from: accountChoice,
          to: counterparty,
          ownAccount: fc.boolean(),
          locale,
        }),
        fc
          .oneof(
            fc.constant(BUNQ_DESCRIPTION_MAX),
            fc.constant(EXTERNAL_DESCRIPTION_MAX),
            fc.integer({ min: 0, max: BUNQ_DESCRIPTION_MAX }),
          )
          .chain(filled),
        outcomeTexts,
        (payment, description, outcomeText) => {
          const summary = paymentSummary({ ...payment, description });
          expectFits(summary);
          const sent = asSent(summary);
          expect(sent.text).toContain(`Description: ${description || "none"}\n`);
          const final = summaryWithOutcome(sent, outcomeText);
          expectFits(final);
          expect(final.text).toBe(`${sent.text}\n\n${outcomeText}`);
        },
      ),
      heavy,
    );
  });

  it("fits whatever bunq and the user sent, the final edit included", () => {
    fc.assert(
      fc.property(
        fc.record({
          amount: money(anyMinor),
          from: accountChoice,
          to: counterparty,
          description: foreignText,
          ownAccount: fc.boolean(),
          locale,
        }),
        outcomeTexts,
        (payment, outcomeText) => {
          const summary = paymentSummary(payment);
          expectFits(summary);
          expectFits(summaryWithOutcome(asSent(summary), outcomeText));
        },
      ),
      heavy,
    );
  });

  it("fits when appending to a summary that already fills the message, keeping entities inside", () => {
    fc.assert(
      fc.property(
        filled(MESSAGE_MAX_LENGTH),
        fc.array(fc.record({ offset: fc.nat(MESSAGE_MAX_LENGTH), length: fc.integer({ min: 1, max: 200 }) })),
        outcomeTexts,
        (text, spans, outcomeText) => {
          const entities = spans
            .filter((e) => e.offset + e.length <= text.length)
            .map((e) => ({ type: "bold" as const, ...e }));
          const final = summaryWithOutcome({ text, entities }, outcomeText);
          expectFits(final);
          expect(final.text.endsWith(outcomeText)).toBe(true);
        },
      ),
      heavy,
    );
  });

  it("says every outcome and draft status within the limit", () => {
    fc.assert(
      fc.property(outcome, foreignText, (confirmed, status) => {
        expectFits(paymentOutcomeText(confirmed));
        expectFits(draftStatusText(status));
      }),
      heavy,
    );
  });
});

/** Lists at exactly their longest, or any length up to it (fast-check alone favours short ones). */
const upTo = <T>(item: fc.Arbitrary<T>, max: number, min = 0) =>
  fc.oneof(
    fc.array(item, { minLength: max, maxLength: max }),
    fc.array(item, { minLength: min, maxLength: max }),
  );

const accountType = fc.constantFrom(
  "bank",
  "savings",
  "joint",
  "external",
  "external_savings",
  "investment",
) as fc.Arbitrary<MonetaryAccount["type"]>;
const monetaryAccount: fc.Arbitrary<MonetaryAccount> = fc.record({
  id: fc.nat(),
  type: accountType,
  description: fc.oneof(nastyText(40), filled(300), filled(5000)),
  balance: money(anyMinor),
  currency,
  iban: fc.option(ibanFromBunq, { nil: undefined }),
  status: fc.constantFrom("ACTIVE", "CANCELLED"),
  active: fc.boolean(),
});

describe("/balance", () => {
  it("fits with up to 200 accounts of the longest names and a total per currency", () => {
    fc.assert(
      fc.property(
        upTo(monetaryAccount, 200, 1),
        upTo(money(anyMinor), 200),
        fc.date({ noInvalidDate: true }),
        locale,
        (accounts, totals, fetchedAt, language) => {
          const message = balancesMessage({ accounts, totals, fetchedAt }, language);
          expectFits(message);
          const shown = message.text.split("</code>").length - 1;
          expect(shown).toBeGreaterThan(0);
          if (shown < accounts.length) {
            expect(message.text).toContain(`… and ${accounts.length - shown} more account`);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

const payment: fc.Arbitrary<Payment> = fc.record({
  id: fc.nat(),
  created: fc.constantFrom("2026-11-30 09:15:00.123456", "1999-01-01 00:00:00.000000"),
  amount: money(anyMinor),
  description: foreignText,
  counterpartyName: fc.option(foreignText, { nil: undefined }),
  counterpartyIban: fc.option(ibanFromBunq, { nil: undefined }),
});

describe("/transactions", () => {
  it("fits a page of ten (and bunq's largest page of 200) with the longest descriptions and names", () => {
    fc.assert(
      fc.property(
        fc.option(foreignText, { nil: undefined }),
        fc.oneof(upTo(payment, 10), upTo(payment, 200)),
        locale,
        (accountName, payments, language) => {
          const page = transactionsPage(accountName, payments, language);
          expectFits(page);
          const lines = parseHtml(page.text).text.split("\n").slice(2);
          if (payments.length >= 10) expect(lines.length).toBeGreaterThanOrEqual(10);
          const note = /^… (\d+) more not shown$/.exec(lines.at(-1) ?? "");
          if (note) expect(lines.length - 1 + Number(note[1])).toBe(payments.length);
          else expect(lines.length).toBe(Math.max(payments.length, 1));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("/request", () => {
  it("fits the created message with any counterparty and link, and its QR caption", () => {
    fc.assert(
      fc.property(
        money(typedMinor),
        fc.option(counterparty, { nil: undefined }),
        fc.option(fc.oneof(fc.webUrl(), foreignText), { nil: undefined }),
        locale,
        foreignText,
        (amount, from, shareUrl, language, status) => {
          expectFits(moneyRequestCreatedText({ amount, from, shareUrl, locale: language }));
          expectFits(moneyRequestStatusText(status));
        },
      ),
      heavy,
    );
    expectFits(MONEY_REQUEST_QR_CAPTION, "caption");
  });
});

describe("errors", () => {
  it("fits bunq's longest error message and reference", () => {
    fc.assert(
      fc.property(foreignText, fc.option(foreignText, { nil: undefined }), (message, responseId) => {
        const details = responseId === undefined ? {} : { responseId };
        for (const error of [
          new BunqUserError(message, message, details),
          new OutcomeUnknownError(message, details),
          new ServerError(message, details),
          new NetworkError(message, details),
          new MaintenanceError(message, details),
          new NotConnectedError(),
          new ConsentRevokedError(),
          new Error(message),
        ]) {
          expectFits(userMessage(error));
        }
      }),
      heavy,
    );
  });
});

describe("/connect and /disconnect", () => {
  it("fits the longest bunq display name, and the QR caption", () => {
    fc.assert(
      fc.property(foreignText, fc.nat(), (displayName, count) => {
        expectFits(alreadyConnectedText(displayName));
        expectFits(disconnectQuestion(displayName));
        expectFits(connectNoticeText({ kind: "connected", displayName, accountCount: count }));
        for (const localOnly of [false, true]) {
          expectFits(authorizeLinkText(count, localOnly));
          expectFits(authorizeQrCaption(count, localOnly), "caption");
        }
        for (const kind of [
          "link_expired",
          "denied",
          "authorization_failed",
          "confirmation_expired",
        ] as const) {
          expectFits(connectNoticeText({ kind }));
        }
      }),
      heavy,
    );
  });
});

describe("other messages with user content", () => {
  it("fits a later notice about a payment or request, and the conversation prompts", () => {
    fc.assert(
      fc.property(
        money(anyMinor),
        foreignText,
        fc.oneof(validIban, foreignText),
        settled,
        fc.constantFrom(
          "own_account" as const,
          "draft" as const,
          "request_inquiry" as const,
          "bunqme_tab" as const,
        ),
        (amount, description, iban, result, kind) => {
          expectFits(intentNoticeText({ kind, amount, description, outcome: result }));
          expectFits(descriptionQuestion("Description for the payment?", BUNQ_DESCRIPTION_MAX));
          expectFits(descriptionTooLong(description, BUNQ_DESCRIPTION_MAX));
          expectFits(accountHolderQuestion(iban));
        },
      ),
      heavy,
    );
  });
});

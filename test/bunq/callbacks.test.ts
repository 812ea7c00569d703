/**
 * Parsing bunq's callbacks: every category we register becomes its typed event with the identity
 * the inbox deduplicates on; anything else — another category, an object its category does not
 * carry, a malformed body or an amount that is not plainly a number — is refused, because bunq
 * does not sign callbacks and a mis-read one would be a wrong message about someone's money.
 */
import { describe, expect, it } from "vitest";
import { CallbackRejectedError, parseCallback } from "../../src/bunq/callbacks.js";
import { AmountError } from "../../src/bunq/money.js";
import {
  amount,
  draftCallback,
  IBAN_MAIN,
  IBAN_STRANGER,
  notification,
  oauthCallback,
  paymentCallback,
  paymentObject,
  requestCallback,
  tabCallback,
  tabResult,
} from "../helpers/callbacks.js";

/** Whether parsing refused the body the way the callback route expects (no other error kind). */
function refusal(body: unknown): Error {
  try {
    parseCallback(body);
  } catch (error) {
    expect(error instanceof CallbackRejectedError || error instanceof AmountError).toBe(true);
    return error as Error;
  }
  throw new Error("parsed, but should have been refused");
}

describe("parseCallback: what each category carries", () => {
  it.each(["PAYMENT", "MUTATION"])(
    "reads a %s Payment with its account, own IBAN and exact amounts",
    (category) => {
      const parsed = parseCallback(
        paymentCallback(
          { id: 4242, amount: amount("-1234567.89"), merchant_reference: "bunqbot:abc" },
          category,
          "PAYMENT_CREATED",
        ),
      );
      expect(parsed).toEqual({
        category,
        eventType: "PAYMENT_CREATED",
        objectType: "Payment",
        objectId: 4242,
        objectState: "booked",
        event: {
          kind: "payment",
          accountId: 11,
          ownIban: IBAN_MAIN,
          payment: {
            id: 4242,
            created: "2030-01-01 12:00:00.000000",
            amount: { minor: -123456789n, currency: "EUR" },
            description: "Dinner",
            merchantReference: "bunqbot:abc",
            counterpartyName: "Bob Stranger",
            counterpartyIban: IBAN_STRANGER,
            balanceAfter: { minor: 12500n, currency: "EUR" },
          },
        },
      });
    },
  );

  it("reads a payment without own IBAN (alias iban null) without inventing one", () => {
    const parsed = parseCallback(paymentCallback({ alias: { iban: null } }));
    expect(parsed.event.kind).toBe("payment");
    expect(parsed.event).not.toHaveProperty("ownIban");
  });

  it("reads a draft payment: its status is the object's state, every entry's amount exact", () => {
    const parsed = parseCallback(draftCallback("ACCEPTED"));
    expect(parsed).toEqual({
      category: "DRAFT_PAYMENT",
      eventType: "DRAFT_PAYMENT_UPDATED",
      objectType: "DraftPayment",
      objectId: 7001,
      objectState: "ACCEPTED",
      event: {
        kind: "draft",
        accountId: 11,
        status: "ACCEPTED",
        entries: [
          {
            amount: { minor: 1000n, currency: "EUR" },
            counterpartyName: "Carol Landlord",
            description: "Rent part 1",
            merchantReference: undefined,
          },
          {
            amount: { minor: 250n, currency: "EUR" },
            counterpartyName: "Carol Landlord",
            description: "Rent part 2",
            merchantReference: undefined,
          },
        ],
      },
    });
    expect(parseCallback(draftCallback("PENDING")).objectState).toBe("PENDING");
  });

  it("reads a request: PENDING and ACCEPTED are different states of one object", () => {
    const pending = parseCallback(requestCallback("PENDING"));
    const accepted = parseCallback(requestCallback("ACCEPTED", { merchant_reference: "bunqbot:n1" }));
    expect(pending).toMatchObject({ objectType: "RequestInquiry", objectId: 8001, objectState: "PENDING" });
    expect(accepted).toEqual({
      category: "REQUEST",
      eventType: "REQUEST_INQUIRY_UPDATED",
      objectType: "RequestInquiry",
      objectId: 8001,
      objectState: "ACCEPTED",
      event: {
        kind: "request",
        accountId: 11,
        status: "ACCEPTED",
        amount: { minor: 4000n, currency: "EUR" },
        counterpartyName: "Dave Debtor",
        description: "Concert tickets",
        merchantReference: "bunqbot:n1",
      },
    });
  });

  it("reads a bunq.me tab: its state is status and number of payments, results in order", () => {
    const none = parseCallback(tabCallback("WAITING_FOR_PAYMENT"));
    expect(none).toMatchObject({
      objectType: "BunqMeTab",
      objectId: 6001,
      objectState: "WAITING_FOR_PAYMENT:0",
    });
    expect(none.event).toMatchObject({ kind: "bunqme_tab", results: [] });

    const two = parseCallback(
      tabCallback("WAITING_FOR_PAYMENT", [tabResult(1, "15.00", "Erin"), tabResult(2, "7.25", "Frank")]),
    );
    expect(two.objectState).toBe("WAITING_FOR_PAYMENT:2");
    expect(two.event).toEqual({
      kind: "bunqme_tab",
      accountId: 11,
      status: "WAITING_FOR_PAYMENT",
      amount: { minor: 1500n, currency: "EUR" },
      description: "Pizza night",
      results: [
        { paymentId: 1, amount: { minor: 1500n, currency: "EUR" }, payerName: "Erin" },
        { paymentId: 2, amount: { minor: 725n, currency: "EUR" }, payerName: "Frank" },
      ],
    });
  });

  it("takes a result inquiry's payment unwrapped (bunq's spec) and wrapped as {Payment: …} alike", () => {
    const unwrapped = tabResult(31, "3.10", "Gina");
    const wrapped = { payment: { Payment: tabResult(32, "4.20", "Hank").payment } };
    const parsed = parseCallback(tabCallback("WAITING_FOR_PAYMENT", [unwrapped, wrapped]));
    expect(parsed.event.kind === "bunqme_tab" && parsed.event.results).toEqual([
      { paymentId: 31, amount: { minor: 310n, currency: "EUR" }, payerName: "Gina" },
      { paymentId: 32, amount: { minor: 420n, currency: "EUR" }, payerName: "Hank" },
    ]);
  });

  it("reads an OAuth revocation with the bunq user who granted it, or without one", () => {
    expect(parseCallback(oauthCallback(501))).toEqual({
      category: "OAUTH",
      eventType: "OAUTH_REVOKED",
      objectType: "UserApiKey",
      objectId: 5001,
      objectState: "revoked",
      event: { kind: "oauth_revoked", grantedByUserId: 501 },
    });
    expect(parseCallback(oauthCallback()).event).toEqual({ kind: "oauth_revoked" });
  });
});

describe("parseCallback: refusals", () => {
  it("refuses a category this bot does not register", () => {
    const error = refusal(notification("CARD_TRANSACTION_SUCCESSFUL", "X", { Payment: paymentObject() }));
    expect(error).toBeInstanceOf(CallbackRejectedError);
    expect(error.message).toBe("unknown category");
    expect(() => parseCallback(notification("payment", "X", { Payment: paymentObject() }))).toThrow(
      CallbackRejectedError,
    );
  });

  it.each([
    ["PAYMENT", "DraftPayment"],
    ["MUTATION", "RequestInquiry"],
    ["DRAFT_PAYMENT", "Payment"],
    ["REQUEST", "BunqMeTab"],
    ["BUNQME_TAB", "RequestInquiry"],
    ["OAUTH", "Payment"],
    ["PAYMENT", "Unknown"],
  ])("refuses %s carrying a %s", (category, objectType) => {
    const error = refusal(notification(category, "E", { [objectType]: paymentObject() }));
    expect(error).toBeInstanceOf(CallbackRejectedError);
    expect(error.message).toBe(`unexpected object for ${category}`);
  });

  it("refuses an object with more than one key, or none", () => {
    const two = notification("PAYMENT", "PAYMENT_RECEIVED", {
      Payment: paymentObject(),
      DraftPayment: paymentObject(),
    });
    expect(refusal(two)).toBeInstanceOf(CallbackRejectedError);
    const twoPayments = notification("PAYMENT", "PAYMENT_RECEIVED", {
      Payment: paymentObject(),
      Extra: {},
    });
    expect(refusal(twoPayments)).toBeInstanceOf(CallbackRejectedError);
    expect(refusal(notification("PAYMENT", "PAYMENT_RECEIVED", {}))).toBeInstanceOf(CallbackRejectedError);
  });

  it.each([
    ["null", null],
    ["a string", "PAYMENT"],
    ["an array", [paymentCallback()]],
    ["no NotificationUrl", { Payment: paymentObject() }],
    ["NotificationUrl not an object", { NotificationUrl: "x" }],
    ["no category", { NotificationUrl: { event_type: "E", object: { Payment: paymentObject() } } }],
    ["no event type", { NotificationUrl: { category: "PAYMENT", object: { Payment: paymentObject() } } }],
    ["an empty event type", notification("PAYMENT", "", { Payment: paymentObject() })],
    ["an overlong event type", notification("PAYMENT", "E".repeat(101), { Payment: paymentObject() })],
    ["object an array", { NotificationUrl: { category: "PAYMENT", event_type: "E", object: [] } }],
    ["object null", { NotificationUrl: { category: "PAYMENT", event_type: "E", object: null } }],
    ["payment object null", notification("PAYMENT", "E", { Payment: null })],
    ["payment id a string", paymentCallback({ id: "9001" })],
    ["payment id fractional", paymentCallback({ id: 1.5 })],
    ["payment amount a number", paymentCallback({ amount: { value: 25, currency: "EUR" } })],
    ["payment without amount", paymentCallback({ amount: undefined })],
    ["request status empty", requestCallback("")],
    [
      "request currency not 3 letters",
      requestCallback("PENDING", { amount_inquired: amount("1.00", "EURO") }),
    ],
    ["draft entries not an array", draftCallback("PENDING", { entries: {} })],
    ["tab without entry", tabCallback("WAITING_FOR_PAYMENT", [], { bunqme_tab_entry: undefined })],
    ["tab result without payment", tabCallback("WAITING_FOR_PAYMENT", [{}])],
    ["OAuth id missing", notification("OAUTH", "OAUTH_REVOKED", { UserApiKey: {} })],
    [
      "OAuth granting user without id",
      notification("OAUTH", "OAUTH_REVOKED", { UserApiKey: { id: 1, granted_by_user: { UserPerson: {} } } }),
    ],
  ])("refuses a malformed body: %s", (_name, body) => {
    expect(refusal(body)).toBeInstanceOf(CallbackRejectedError);
  });

  it("refuses a payment that names no account (it could not be checked against the chat's)", () => {
    const error = refusal(paymentCallback({ monetary_account_id: undefined }));
    expect(error).toBeInstanceOf(CallbackRejectedError);
    expect(error.message).toBe("payment without account");
  });

  const badAmounts = ["9e2", "1,00", "12.345", "", " 1.00", "+1.00", "1.", ".50", "0x10", "Infinity", "NaN"];

  it.each(badAmounts)("refuses the EUR amount %j wherever it appears", (value) => {
    const bodies = [
      paymentCallback({ amount: amount(value) }),
      paymentCallback({ balance_after_mutation: amount(value) }),
      draftCallback("ACCEPTED", { entries: [{ amount: amount(value) }] }),
      requestCallback("ACCEPTED", { amount_inquired: amount(value) }),
      tabCallback("WAITING_FOR_PAYMENT", [], {
        bunqme_tab_entry: { amount_inquired: amount(value), description: "" },
      }),
      tabCallback("WAITING_FOR_PAYMENT", [tabResult(1, value, "Erin")]),
    ];
    for (const body of bodies) refusal(body);
  });

  it("refuses too many decimals as an AmountError the user-facing code can explain", () => {
    const error = refusal(paymentCallback({ amount: amount("12.345") }));
    expect(error).toBeInstanceOf(AmountError);
    expect((error as AmountError).problem).toBe("too_many_decimals");
    expect((refusal(paymentCallback({ amount: amount("9e2") })) as AmountError).problem).toBe("not_a_number");
  });

  it("accepts amounts in the currency's own precision (JPY has no decimals, BHD three)", () => {
    const jpy = parseCallback(
      paymentCallback({ amount: amount("1500", "JPY"), balance_after_mutation: undefined }),
    );
    expect(jpy.event.kind === "payment" && jpy.event.payment.amount).toEqual({
      minor: 1500n,
      currency: "JPY",
    });
    refusal(paymentCallback({ amount: amount("1500.5", "JPY"), balance_after_mutation: undefined }));
    const bhd = parseCallback(
      paymentCallback({ amount: amount("1.234", "BHD"), balance_after_mutation: undefined }),
    );
    expect(bhd.event.kind === "payment" && bhd.event.payment.amount).toEqual({
      minor: 1234n,
      currency: "BHD",
    });
  });
});

describe("parseCallback: currencies", () => {
  it.each(["eur", "EURO", "E1R", ""])(
    "refuses the currency %j as a malformed callback, not as an error that makes bunq retry",
    (currency) => {
      refusal(paymentCallback({ amount: amount("1.00", currency) }));
      refusal(paymentCallback({ balance_after_mutation: amount("1.00", currency) }));
      refusal(draftCallback("ACCEPTED", { entries: [{ amount: amount("1.00", currency) }] }));
      refusal(requestCallback("ACCEPTED", { amount_inquired: amount("1.00", currency) }));
      refusal(
        tabCallback(
          "WAITING_FOR_PAYMENT",
          [tabResult(1, "1.00", "Erin")].map((r) => ({
            payment: { ...r.payment, amount: amount("1.00", currency) },
          })),
        ),
      );
    },
  );
});

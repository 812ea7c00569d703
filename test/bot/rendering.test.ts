/** What a person reads: amounts in their language, escaped text, buttons within Telegram's limits. */
import { describe, expect, it } from "vitest";
import type { MonetaryAccount } from "../../src/bunq/accounts.js";
import {
  chooseAccountData,
  draftStatusData,
  paymentDecisionData,
  requestStatusData,
  transactionsPageData,
} from "../../src/bot/callback-data.js";
import { formatMoney, localeFor } from "../../src/bot/format/money.js";
import { balancesMessage } from "../../src/bot/messages/balance.js";
import { paymentLine } from "../../src/bot/messages/transactions.js";

const account = (overrides: Partial<MonetaryAccount>): MonetaryAccount => ({
  id: 1,
  type: "bank",
  description: "Main",
  balance: { minor: 123456n, currency: "EUR" },
  currency: "EUR",
  iban: "NL91ABNA0417164300",
  status: "ACTIVE",
  active: true,
  ...overrides,
});

describe("amounts", () => {
  it("formats exactly in the user's language, English when Telegram's language is unknown", () => {
    expect(formatMoney({ minor: 123456n, currency: "EUR" }, localeFor("nl"))).toBe("€\u00a01.234,56");
    expect(formatMoney({ minor: 123456n, currency: "EUR" }, localeFor("xx-unknown"))).toBe("€1,234.56");
    expect(formatMoney({ minor: 1500n, currency: "JPY" }, "en")).toBe("¥1,500");
    expect(formatMoney({ minor: 900719925474099301n, currency: "EUR" }, "en")).toBe(
      "€9,007,199,254,740,993.01",
    );
    expect(formatMoney({ minor: -50n, currency: "EUR" }, "en", { signed: true })).toBe("-€0.50");
    expect(formatMoney({ minor: 50n, currency: "EUR" }, "en", { signed: true })).toBe("+€0.50");
  });
});

describe("/balance text", () => {
  it("marks inactive accounts, leaves them out of the totals and totals per currency", () => {
    const { text } = balancesMessage(
      {
        accounts: [
          account({}),
          account({
            id: 2,
            type: "savings",
            description: "<Holiday>",
            balance: { minor: 1000n, currency: "EUR" },
          }),
          account({
            id: 3,
            description: "Dollars",
            currency: "USD",
            balance: { minor: 500n, currency: "USD" },
          }),
          account({ id: 4, description: "Old", status: "CANCELLED", active: false }),
        ],
        totals: [
          { minor: 124456n, currency: "EUR" },
          { minor: 500n, currency: "USD" },
        ],
        fetchedAt: new Date("2026-12-01T10:00:00Z"),
      },
      "en",
    );
    expect(text).toContain("Main: <b>€1,234.56</b>");
    expect(text).toContain("&lt;Holiday&gt;: <b>€10.00</b>");
    expect(text).toContain("Old: <i>inactive</i>");
    expect(text).toContain("Total: <b>€1,244.56 + $5.00</b>");
    expect(text).toContain("NL91 ABNA 0417 1643 00");
    expect(text).toContain("As of Dec 1, 2026, 10:00 AM UTC");
  });
});

describe("/transactions lines", () => {
  it("escapes and trims what others wrote", () => {
    const line = paymentLine(
      {
        id: 1,
        created: "2026-11-30 09:15:00.123456",
        amount: { minor: -1999n, currency: "EUR" },
        description: `<script>alert("x")</script> ${"very long ".repeat(10)}`,
        counterpartyName: "Tom & Jerry <Ltd>",
      },
      "en",
    );
    expect(line).toContain("Nov 30");
    expect(line).toContain("<b>-€19.99</b>");
    expect(line).toContain("Tom &amp; Jerry &lt;Ltd&gt;");
    expect(line).not.toContain("<script>");
    expect(line).toContain("…");
  });
});

describe("callback data", () => {
  it("round-trips and stays within Telegram's 64 bytes at the largest ids", () => {
    const big = Number.MAX_SAFE_INTEGER;
    const samples = [
      transactionsPageData.encode(big, { olderId: big }),
      paymentDecisionData.encode("ok", "A".repeat(16)),
      draftStatusData.encode(big, big),
      requestStatusData.encode("inquiry", big, big),
      chooseAccountData.encode(big),
    ];
    for (const data of samples) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(transactionsPageData.decode(samples[0]!)).toEqual({ accountId: big, cursor: { olderId: big } });
    expect(transactionsPageData.decode(transactionsPageData.encode(7, { newerId: 9 }))).toEqual({
      accountId: 7,
      cursor: { newerId: 9 },
    });
    expect(paymentDecisionData.decode(samples[1]!)).toEqual({ decision: "ok", nonce: "A".repeat(16) });
    expect(requestStatusData.decode(samples[3]!)).toEqual({ kind: "inquiry", accountId: big, id: big });
    expect(paymentDecisionData.decode("pay:ok:short")).toBeUndefined();
  });
});

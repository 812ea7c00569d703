import { describe, expect, it } from "vitest";
import { moneyNoticeText } from "../../src/bot/messages/money-notice.js";

const eur = (minor: bigint) => ({ minor, currency: "EUR" });

describe("money notices", () => {
  it("show amounts and balance in the chat's language formatting", () => {
    const notice = {
      kind: "payment_in" as const,
      amount: eur(123_450n),
      counterpartyName: "Jan Jansen",
      counterpartyIban: "NL91ABNA0417164300",
      description: "Huur",
      accountName: "Hoofdrekening",
      balanceAfter: eur(1_000_000n),
    };
    expect(moneyNoticeText(notice, "nl").text).toBe(
      [
        "💶 You received <b>€\u00a01.234,50</b> on Hoofdrekening",
        "From: Jan Jansen (<code>NL91 ABNA 0417 1643 00</code>)",
        "“Huur”",
        "Balance of Hoofdrekening: €\u00a010.000,00",
      ].join("\n"),
    );
    expect(moneyNoticeText(notice, "en").text).toContain("<b>€1,234.50</b>");
  });

  it("escape what bunq's callback carries, so a name cannot inject markup", () => {
    const { text, parse_mode } = moneyNoticeText(
      {
        kind: "request_paid",
        amount: eur(500n),
        counterpartyName: "<a href='x'>Eve</a>",
        description: "</b>& more",
        accountName: "Main <i>",
      },
      "en",
    );
    expect(parse_mode).toBe("HTML");
    expect(text).toBe(
      "✅ &lt;a href='x'&gt;Eve&lt;/a&gt; paid your request of <b>€5.00</b>; it arrived on Main &lt;i&gt;.\n“&lt;/b&gt;&amp; more”",
    );
  });
});

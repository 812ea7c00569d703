/** A failed query's parameters (IBANs, names, message text) never reach the log; its kind and code do. */
import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { paymentIntents } from "../../src/db/schema.js";
import { openDatabase } from "../../src/db/client.js";
import { captureLogs } from "../helpers/logs.js";

const IBAN = "NL91ABNA0417164300";
const NAME = "Jan Jansen";
const DESCRIPTION = "Rent for the flat on Keizersgracht";
const FOREIGN_KEY_VIOLATION = "23503";

describe("database errors in logs", () => {
  let handle: DatabaseHandle;
  let failure: unknown;
  beforeAll(async () => {
    handle = openDatabase({ kind: "memory" });
    await handle.migrate();
    // A payment intent for a chat that is not stored: the insert fails on its foreign key.
    failure = await handle.db
      .insert(paymentIntents)
      .values({
        nonce: "n1",
        chatId: 999,
        kind: "draft",
        fromAccountId: 1,
        amountMinor: 1250n,
        currency: "EUR",
        counterparty: { type: "IBAN", value: IBAN, name: NAME },
        description: DESCRIPTION,
        status: "awaiting_confirmation",
        expiresAt: new Date(),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
  });
  afterAll(async () => handle.close());

  function expectNoParameters(output: string) {
    expect(output).not.toContain(IBAN);
    expect(output).not.toContain("0417164300");
    expect(output).not.toContain(NAME);
    expect(output).not.toContain("Keizersgracht");
  }

  it("the error really carries the parameters (so the assertions below mean something)", () => {
    expect(failure).toBeInstanceOf(DrizzleQueryError);
    expect(String(failure)).toContain(IBAN);
    expect((failure as DrizzleQueryError).params.map(String).join()).toContain(NAME);
  });

  it("logged under err: kind and Postgres code kept, query and parameters gone", () => {
    const { logger, output } = captureLogs();
    logger.error({ err: failure }, "could not store the payment");
    expectNoParameters(output());
    expect(output()).toContain("DrizzleQueryError");
    expect(output()).toContain(FOREIGN_KEY_VIOLATION);
    expect(output()).toContain("violates foreign key constraint");
    expect(output()).not.toContain("insert into");
  });

  it("logged on its own, as the cause of another error, or as a string, at any level", () => {
    const { logger, output } = captureLogs("trace");
    logger.error(failure);
    logger.warn({ err: new Error("preparing the payment failed", { cause: failure }) }, "payment");
    logger.info({ error: failure }, "under another key");
    logger.debug({ err: { message: String(failure) } }, "as text");
    logger.trace(`failed: ${String(failure)}`);
    expect(output().trim().split("\n")).toHaveLength(5);
    expectNoParameters(output());
    expect(output()).toContain(FOREIGN_KEY_VIOLATION);
    expect(output()).toContain("preparing the payment failed");
  });
});

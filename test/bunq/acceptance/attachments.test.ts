import { afterEach, describe, expect, it } from "vitest";
import { addPaymentNote, attachToPayment, uploadAttachment } from "../../../src/bunq/attachments.js";
import { BunqUserError } from "../../../src/bunq/errors.js";
import { createPayment } from "../../../src/bunq/payments.js";
import { setup } from "./helpers.js";

let env: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201c5f0c8a70000000049454e44ae426082",
  "hex",
);

describe("attachments and payment notes", () => {
  it("uploads a receipt, hangs it on a payment and adds a note", async () => {
    env = await setup(0.001);
    const user = await env.createUser({
      accounts: [
        { type: "bank", balance: "20.00" },
        { type: "savings", balance: "0.00" },
      ],
    });
    const context = await env.open("connection:1", user.api_key);
    const [main, savings] = user.accounts;
    const paymentId = await createPayment(context, {
      fromAccountId: main!.id,
      amount: { minor: 500n, currency: "EUR" },
      toIban: savings!.iban,
      toName: "Me",
      description: "lunch",
      merchantReference: "test-1",
    });
    const attachmentId = await uploadAttachment(context, {
      accountId: main!.id,
      bytes: PNG,
      contentType: "image/png",
      description: "Receipt €5",
    });
    expect(
      await attachToPayment(context, {
        accountId: main!.id,
        paymentId,
        attachmentId,
        description: "receipt",
      }),
    ).toBeGreaterThan(0);
    expect(
      await addPaymentNote(context, { accountId: main!.id, paymentId, text: "with Sam" }),
    ).toBeGreaterThan(0);
    const notes = await context.send({
      method: "GET",
      path: `/user/{userId}/monetary-account/${main!.id}/payment/${paymentId}/note-text`,
    });
    expect(JSON.parse(notes.body.toString()).Response[0].NoteText.content).toBe("with Sam");
    await expect(
      attachToPayment(context, { accountId: main!.id, paymentId, attachmentId: 999_999 }),
    ).rejects.toBeInstanceOf(BunqUserError);
  });
});

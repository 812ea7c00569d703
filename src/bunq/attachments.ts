/** Attachments (e.g. a receipt photo) and notes on payments. */
import { z } from "zod";
import type { ApiContext } from "./api-context.js";
import { unwrapObject } from "./envelope.js";

const idAnswer = z.object({ Id: z.object({ id: z.number().int() }) });

export type AttachmentType = "image/png" | "image/jpeg" | "image/gif";

/** Uploads raw image bytes to an account; returns the attachment id. */
export async function uploadAttachment(
  context: ApiContext,
  upload: { accountId: number; bytes: Uint8Array; contentType: AttachmentType; description: string },
): Promise<number> {
  const response = await context.send({
    method: "POST",
    path: `/user/{userId}/monetary-account/${upload.accountId}/attachment`,
    rawBody: { bytes: upload.bytes, contentType: upload.contentType },
    // Header values must be plain ASCII on the wire.
    extraHeaders: { "X-Bunq-Attachment-Description": upload.description.replace(/[^\x20-\x7e]/g, "?") },
  });
  return unwrapObject(response.body, idAnswer).Id.id;
}

export async function attachToPayment(
  context: ApiContext,
  note: { accountId: number; paymentId: number; attachmentId: number; description?: string },
): Promise<number> {
  const response = await context.send({
    method: "POST",
    path: `/user/{userId}/monetary-account/${note.accountId}/payment/${note.paymentId}/note-attachment`,
    body: {
      attachment_id: note.attachmentId,
      ...(note.description ? { description: note.description } : {}),
    },
  });
  return unwrapObject(response.body, idAnswer).Id.id;
}

export async function addPaymentNote(
  context: ApiContext,
  note: { accountId: number; paymentId: number; text: string },
): Promise<number> {
  const response = await context.send({
    method: "POST",
    path: `/user/{userId}/monetary-account/${note.accountId}/payment/${note.paymentId}/note-text`,
    body: { content: note.text },
  });
  return unwrapObject(response.body, idAnswer).Id.id;
}

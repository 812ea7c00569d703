/**
 * Attachments (raw image bytes with their MIME type and an X-Bunq-Attachment-Description) and
 * the notes that hang them, or plain text, on a payment.
 */
import { z } from "zod";
import { badRequest, notFound } from "../errors.js";
import { respond, type ApiRequest, type ApiRoute, type Emulation } from "../router.js";
import { ownAccount } from "./owner.js";

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif"];
const BASE = "/user/:userId/monetary-account/:accountId";

function ownPayment(request: ApiRequest, emulation: Emulation) {
  const account = ownAccount(request, emulation);
  const payment = emulation.state
    .paymentsOf(account.id)
    .find((p) => p.id === Number(request.params.paymentId));
  if (!payment) throw notFound("payment");
  return { account, payment };
}

function notesRoutes(kind: "attachment" | "text"): ApiRoute[] {
  const path = `${BASE}/payment/:paymentId/note-${kind}`;
  const body =
    kind === "attachment"
      ? z.object({ attachment_id: z.number().int(), description: z.string().optional() })
      : z.object({ content: z.string().min(1) });
  return [
    {
      method: "POST",
      path,
      auth: "session",
      handle(request, emulation) {
        const { account, payment } = ownPayment(request, emulation);
        const parsed = body.safeParse(request.json);
        if (!parsed.success)
          throw badRequest(`Invalid or missing field "${parsed.error.issues[0]?.path.join(".")}".`);
        const data = parsed.data as { attachment_id?: number; description?: string; content?: string };
        if (
          data.attachment_id !== undefined &&
          emulation.state.attachments.get(data.attachment_id)?.userId !== account.userId
        ) {
          throw notFound("attachment");
        }
        const note = {
          id: emulation.state.nextId(),
          paymentId: payment.id,
          kind,
          attachmentId: data.attachment_id,
          text: data.content ?? data.description ?? "",
        };
        emulation.state.notes.push(note);
        return respond({ Id: { id: note.id } });
      },
    },
    {
      method: "GET",
      path,
      auth: "session",
      handle(request, emulation) {
        const { payment } = ownPayment(request, emulation);
        const notes = emulation.state.notes.filter((n) => n.paymentId === payment.id && n.kind === kind);
        return respond(
          ...notes.map((n) =>
            kind === "attachment"
              ? { NoteAttachment: { id: n.id, description: n.text, attachment: [{ id: n.attachmentId }] } }
              : { NoteText: { id: n.id, content: n.text } },
          ),
        );
      },
    },
  ];
}

export const attachmentRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: `${BASE}/attachment`,
    auth: "session",
    handle(request, emulation) {
      const account = ownAccount(request, emulation);
      const contentType = String(request.headers["content-type"] ?? "")
        .split(";")[0]!
        .trim();
      if (!IMAGE_TYPES.includes(contentType))
        throw badRequest("Content-Type must be image/png, image/jpeg or image/gif.");
      if (request.rawBody.length === 0) throw badRequest("The attachment is empty.");
      const attachment = {
        id: emulation.state.nextId(),
        userId: account.userId,
        contentType,
        description: String(request.headers["x-bunq-attachment-description"] ?? ""),
        bytes: request.rawBody,
      };
      emulation.state.attachments.set(attachment.id, attachment);
      return respond({ Id: { id: attachment.id } });
    },
  },
  ...notesRoutes("attachment"),
  ...notesRoutes("text"),
];

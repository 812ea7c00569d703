/**
 * Reads a Bot API request's parameters from the query string and a JSON, urlencoded or multipart body,
 * as Telegram accepts all of them. Uploaded files keep their exact bytes.
 */
import type { IncomingMessage } from "node:http";
import { badRequest } from "./errors.js";
import { multipartBoundary, parseMultipart, type MultipartPart } from "./multipart.js";
import type { RawParams, UploadedFile } from "./validate.js";

/** Telegram accepts uploads of up to 50 MB; the body limit leaves room for the other fields. */
const MAX_BODY_BYTES = 52 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export async function parseBotApiParams(
  req: IncomingMessage,
  url: URL,
): Promise<{ params: RawParams; files: Map<string, UploadedFile> }> {
  const params: RawParams = Object.fromEntries(url.searchParams);
  const files = new Map<string, UploadedFile>();
  const body = await readBody(req);
  const contentType = req.headers["content-type"] ?? "";
  if (body.length === 0) return { params, files };

  if (contentType.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON encoded request body");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw badRequest("can't parse JSON encoded request body");
    }
    Object.assign(params, parsed);
  } else if (contentType.includes("application/x-www-form-urlencoded")) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString("utf8"))));
  } else if (contentType.includes("multipart/form-data")) {
    let parts: MultipartPart[];
    try {
      parts = parseMultipart(body, multipartBoundary(contentType) ?? "");
    } catch {
      throw badRequest("can't parse multipart/form-data request body");
    }
    for (const part of parts) {
      if (part.filename === undefined) {
        params[part.name] = part.data.toString("utf8");
      } else {
        const file: UploadedFile = {
          kind: "upload",
          bytes: part.data,
          filename: part.filename,
          mimeType: part.contentType ?? "application/octet-stream",
        };
        files.set(part.name, file);
        params[part.name] = file;
      }
    }
  }
  return { params, files };
}

/**
 * A small, tolerant multipart/form-data parser.
 *
 * WHY not the platform's `Response.formData()`: undici's parser is strict about header syntax and
 * rejects what grammY sends (`content-disposition:form-data;name="x";filename=q.png`, an unquoted
 * filename without spaces), while Telegram accepts it. No multipart library is a dependency here.
 */
export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export function multipartBoundary(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error("multipart boundary not found");
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString("latin1") === "--") return parts;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    if (headerEnd < 0) throw new Error("multipart part without header end");
    const next = body.indexOf(nextDelimiter, headerEnd + 4);
    if (next < 0) throw new Error("multipart part without closing boundary");
    parts.push(parsePart(body.subarray(pos, headerEnd).toString("utf8"), body.subarray(headerEnd + 4, next)));
    pos = next + 2;
  }
}

function parsePart(headerBlock: string, data: Buffer): MultipartPart {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of headerBlock.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === "content-type") contentType = value;
    if (header !== "content-disposition") continue;
    for (const param of value.split(";").slice(1)) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      const key = param.slice(0, eq).trim().toLowerCase();
      const raw = param.slice(eq + 1).trim();
      const unquoted = raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/\\"/g, '"') : raw;
      if (key === "name") name = unquoted;
      if (key === "filename") filename = unquoted;
    }
  }
  if (name === undefined) throw new Error("multipart part without a name");
  return {
    name,
    ...(filename !== undefined ? { filename } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
    data,
  };
}

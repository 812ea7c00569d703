/**
 * bunq wraps every answer as `{"Response": [{"Type": {...}}, ...]}`: an array of single-key
 * objects, one per returned object (the OpenAPI schemas describe the merged object). These
 * helpers turn that into typed values, and fail loudly on anything else.
 */
import { z } from "zod";
import { UnexpectedResponseError, type BunqErrorDetails } from "./errors.js";

const envelope = z.object({
  Response: z.array(z.record(z.string(), z.unknown())),
  Pagination: z
    .object({
      future_url: z.string().nullable().optional(),
      newer_url: z.string().nullable().optional(),
      older_url: z.string().nullable().optional(),
    })
    .optional(),
});

export type Pagination = NonNullable<z.infer<typeof envelope>["Pagination"]>;

function parseEnvelope(body: Buffer, details: BunqErrorDetails) {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new UnexpectedResponseError("bunq answered with something that is not JSON", details);
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) throw new UnexpectedResponseError("bunq's answer has no Response array", details);
  return parsed.data;
}

/** Merges `[{"Id":…},{"Token":…}]` into `{Id:…, Token:…}` and validates it. */
export function unwrapObject<T>(body: Buffer, schema: z.ZodType<T>, details: BunqErrorDetails = {}): T {
  const merged = Object.assign({}, ...parseEnvelope(body, details).Response) as Record<string, unknown>;
  return validate(merged, schema, details);
}

/** A listing: every element's single wrapped object, validated, plus bunq's pagination. */
export function unwrapList<T>(
  body: Buffer,
  schema: z.ZodType<T>,
  details: BunqErrorDetails = {},
): { items: T[]; pagination?: Pagination } {
  const parsed = parseEnvelope(body, details);
  return {
    items: parsed.Response.map((item) => validate(item, schema, details)),
    pagination: parsed.Pagination,
  };
}

function validate<T>(value: unknown, schema: z.ZodType<T>, details: BunqErrorDetails): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const where = result.error.issues[0]?.path.join(".") ?? "";
    throw new UnexpectedResponseError(
      `bunq's answer does not have the documented shape (at ${where || "top"})`,
      details,
    );
  }
  return result.data;
}

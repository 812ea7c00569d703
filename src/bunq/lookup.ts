/**
 * Finding again what this client just made when bunq's answer was lost: it is among the newest
 * objects of its listing, so one page of the largest size bunq allows is enough to look in.
 */
import type { z } from "zod";
import type { ApiContext } from "./api-context.js";
import { unwrapList } from "./envelope.js";

/** bunq's largest page size. */
export const LOOKUP_DEPTH = 200;

/** The newest LOOKUP_DEPTH objects of the listing at `path`, newest first. */
export async function newestOf<T>(context: ApiContext, path: string, schema: z.ZodType<T>): Promise<T[]> {
  const response = await context.send({
    method: "GET",
    path,
    query: { count: LOOKUP_DEPTH },
    idempotent: true,
  });
  return unwrapList(response.body, schema).items;
}

/**
 * bunq's documented pagination for every listing: newest first, `count` (default 10, max 200),
 * `older_id` / `newer_id`, and a Pagination object with future, newer and older URLs.
 */
import { badRequest } from "../errors.js";
import type { ApiRequest, ApiResult } from "../router.js";

const DEFAULT_COUNT = 10;
const MAX_COUNT = 200;

function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`Parameter "${name}" must be a positive integer.`);
  return Number(value);
}

/** One page of `all` (newest first, by id) as bunq answers a listing. */
export function paginate<T extends { readonly id: number }>(
  request: ApiRequest,
  all: readonly T[],
  toObject: (item: T) => Record<string, unknown>,
): ApiResult {
  const count = intParam(request.query, "count") ?? DEFAULT_COUNT;
  if (count < 1 || count > MAX_COUNT)
    throw badRequest(`Parameter "count" must be between 1 and ${MAX_COUNT}.`);
  const olderId = intParam(request.query, "older_id");
  const newerId = intParam(request.query, "newer_id");
  let page: T[];
  if (newerId !== undefined) {
    const newer = all.filter((item) => item.id > newerId);
    page = newer.slice(Math.max(0, newer.length - count));
  } else {
    page = all.filter((item) => olderId === undefined || item.id < olderId).slice(0, count);
  }
  const base = `/v1${request.path}`;
  const first = page[0];
  const last = page.at(-1);
  const hasNewer = first !== undefined && all[0]!.id > first.id;
  const hasOlder = last !== undefined && all.at(-1)!.id < last.id;
  return {
    body: {
      Response: page.map(toObject),
      Pagination: {
        future_url: first && !hasNewer ? `${base}?count=${count}&newer_id=${first.id}` : null,
        newer_url: first && hasNewer ? `${base}?count=${count}&newer_id=${first.id}` : null,
        older_url: last && hasOlder ? `${base}?count=${count}&older_id=${last.id}` : null,
      },
    },
  };
}

/** Newest first, as listings answer. */
export const newestFirst = <T extends { readonly id: number }>(items: Iterable<T>): T[] =>
  [...items].sort((a, b) => b.id - a.id);

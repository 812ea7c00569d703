import { afterEach, describe, expect, it } from "vitest";
import {
  CallbackSlotsTakenError,
  listCallbackFilters,
  removeCallbackFilters,
  replaceCallbackFilters,
} from "../../../src/bunq/notification-filters.js";
import { setup } from "./helpers.js";

let env: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const ourPrefix = "https://bot.example/bunq/callback/";
const isOurs = (target: string) => target.startsWith(ourPrefix);

describe("callback filters through the client", () => {
  it("puts ours next to other apps' filters, replaces our old ones, and removes only ours", async () => {
    env = await setup(0.001);
    const user = await env.createUser();
    const context = await env.open("connection:1", user.api_key);
    const other = { category: "PAYMENT", target: "https://other-app.example/cb" };
    const ours = (secret: string) => [
      { category: "MUTATION", target: `${ourPrefix}${secret}` },
      { category: "PAYMENT", target: `${ourPrefix}${secret}` },
    ];
    await replaceCallbackFilters(context, () => false, [other]);
    await replaceCallbackFilters(context, isOurs, ours("old"));
    await replaceCallbackFilters(context, isOurs, ours("new"));
    await replaceCallbackFilters(context, isOurs, ours("new"));
    expect(await listCallbackFilters(context)).toEqual([other, ...ours("new")]);
    const posts = (await env.requests()).filter(
      (r) => r.method === "POST" && r.path.endsWith("notification-filter-url"),
    );
    expect(posts).toHaveLength(3);

    await removeCallbackFilters(context, isOurs);
    expect(await listCallbackFilters(context)).toEqual([other]);

    const account = user.accounts[0]!.id;
    await replaceCallbackFilters(context, isOurs, ours("a"), account);
    expect(await listCallbackFilters(context, account)).toEqual(ours("a"));
    expect(await listCallbackFilters(context)).toEqual([other]);
  });

  it("refuses, changing nothing, when other apps hold both URLs of a category", async () => {
    env = await setup(0.001);
    const user = await env.createUser();
    const context = await env.open("connection:1", user.api_key);
    const others = [
      { category: "PAYMENT", target: "https://one.example/cb" },
      { category: "PAYMENT", target: "https://two.example/cb" },
    ];
    await replaceCallbackFilters(context, () => false, others);
    const attempt = replaceCallbackFilters(context, isOurs, [
      { category: "MUTATION", target: `${ourPrefix}x` },
      { category: "PAYMENT", target: `${ourPrefix}x` },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(CallbackSlotsTakenError);
    await expect(attempt).rejects.toMatchObject({ categories: ["PAYMENT"] });
    expect(await listCallbackFilters(context)).toEqual(others);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import {
  addCallbackFilters,
  listCallbackFilters,
  removeCallbackFilters,
} from "../../../src/bunq/notification-filters.js";
import { setup } from "./helpers.js";

let env: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe("callback filters through the client", () => {
  it("adds ours next to other apps' filters, and removes only ours", async () => {
    env = await setup(0.001);
    const user = await env.createUser();
    const context = await env.open("connection:1", user.api_key);
    const other = { category: "PAYMENT", target: "https://other-app.example/cb" };
    const ours = [
      { category: "MUTATION", target: "https://bot.example/bunq/callback" },
      { category: "PAYMENT", target: "https://bot.example/bunq/callback" },
    ];
    await addCallbackFilters(context, [other]);
    await addCallbackFilters(context, ours);
    await addCallbackFilters(context, ours);
    expect(await listCallbackFilters(context)).toEqual([other, ...ours]);
    const posts = (await env.requests()).filter(
      (r) => r.method === "POST" && r.path.endsWith("notification-filter-url"),
    );
    expect(posts).toHaveLength(2);

    await removeCallbackFilters(context, "https://bot.example/bunq/callback");
    expect(await listCallbackFilters(context)).toEqual([other]);

    const account = user.accounts[0]!.id;
    await addCallbackFilters(context, ours, account);
    expect(await listCallbackFilters(context, account)).toEqual(ours);
    expect(await listCallbackFilters(context)).toEqual([other]);
  });
});

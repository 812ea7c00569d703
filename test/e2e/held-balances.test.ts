/**
 * Acceptance of issue 11's held balances: many connected chats send /balance at once after a
 * warm-up; bunq is read only for the users whose money moved (counted in the bunq emulator's
 * request log), and every balance shown equals the emulator's — after incoming and outgoing
 * payments alike, once their callbacks were delivered.
 *
 * HELD_BALANCE_CHATS sets the number of chats (default 200, the issue's figure).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TranscriptMessage } from "../../src/emulator/telegram/control-client.js";
import { people, until, type Person } from "./people.js";
import { startStack, type SandboxUser, type Stack } from "./stack.js";

const CHATS = Number(process.env.HELD_BALANCE_CHATS ?? 200);
const MOVED_IN = Math.max(1, Math.round(CHATS / 20));
const MOVED_OUT = Math.max(1, Math.round(CHATS / 20));
const SLOW = 600_000;

/** Runs `task` over `items`, `width` at a time. */
async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

describe(`held balances with ${CHATS} connected chats`, () => {
  let stack: Stack;
  beforeAll(async () => {
    // bunq at 1/200 of real time: 200 connections need 200 session-server calls (1 per 30 s per IP).
    stack = await startStack({ delivery: "polling", bunqTimeScale: 0.005, telegramTimeScale: 0.01 });
  }, SLOW);
  afterAll(async () => {
    await stack?.close();
  }, SLOW);
  const { person, connect, bunqUser } = people(() => stack, 730_000);

  it(
    "a burst of /balance costs bunq reads only for users whose money moved, and shows bunq's balances",
    async () => {
      const chats = await inBatches(
        Array.from({ length: CHATS }, (_, i) => i),
        6,
        async (i): Promise<{ p: Person; sandbox: SandboxUser }> => {
          const sandbox = await stack.createSandboxUser({
            display_name: `Holder ${i}`,
            accounts: [{ type: "bank", description: "Main", balance: "100.00" }],
          });
          const user = await stack.control.createUser({ id: 730_000 + i, first_name: `Holder${i}` });
          const p = person(user);
          await connect(p, sandbox);
          return { p, sandbox };
        },
      );
      const balanceOf = async (sandbox: SandboxUser) => (await bunqUser(sandbox)).accounts[0]!.balance;
      const askAll = (width: number) =>
        inBatches(chats, width, async ({ p }) => {
          const [reply] = await p.say("/balance");
          return reply!;
        });

      // Warm-up: every chat asks once (answered from what Confirm read).
      await askAll(50);

      const movedIn = chats.slice(0, MOVED_IN);
      const movedOut = chats.slice(MOVED_IN, MOVED_IN + MOVED_OUT);
      for (const { sandbox } of movedIn) {
        await stack.bunqControl("POST", `/accounts/${sandbox.accounts[0]!.id}/incoming-payments`, {
          amount: "12.34",
        });
      }
      for (const { sandbox } of movedOut) {
        await stack.bunqControl("POST", `/users/${sandbox.user_id}/payments`, {
          monetary_account_id: sandbox.accounts[0]!.id,
          count: 1,
          amount: "-7.25",
        });
      }
      // Their callbacks are delivered: each moved chat has its notice.
      await inBatches([...movedIn, ...movedOut], 10, ({ p }) =>
        until(
          async () => {
            const notices = (await p.botMessages()).filter((m) =>
              /You received|left Main/.test(m.text ?? ""),
            );
            return notices.length > 0 ? true : undefined;
          },
          "the money notice",
          60_000,
        ),
      );

      const logged = (await stack.bunqControl<unknown[]>("GET", "/requests")).length;
      // All at once.
      const replies: TranscriptMessage[] = await askAll(CHATS);
      const reads = (await stack.bunqControl<{ method: string; path: string }[]>("GET", "/requests"))
        .slice(logged)
        .filter((r) => r.method === "GET");
      expect(reads.filter((r) => r.path.endsWith("/monetary-account"))).toHaveLength(MOVED_IN + MOVED_OUT);
      expect(reads).toHaveLength(MOVED_IN + MOVED_OUT);

      const expected = await inBatches(chats, 20, ({ sandbox }) => balanceOf(sandbox));
      expect(expected.filter((b) => b === "112.34")).toHaveLength(MOVED_IN);
      expect(expected.filter((b) => b === "92.75")).toHaveLength(MOVED_OUT);
      replies.forEach((reply, i) => {
        expect(reply.text).toContain(`Main: €${expected[i]}`);
      });
    },
    SLOW,
  );
});

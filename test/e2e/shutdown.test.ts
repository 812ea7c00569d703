/**
 * Stopping the real app process as an operator (or a container runtime) does: `npm start` is a
 * single node process, SIGTERM lets the update in hand finish and exits 0 within the deadline,
 * and a start-up that waits for an unreachable Telegram says so and still stops on SIGTERM.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { people } from "./people.js";
import { startStack, type Stack } from "./stack.js";

const SLOW = 120_000;
/** SHUTDOWN_TIMEOUT_SECONDS in the stack, plus time for the process to exit. */
const DEADLINE_MS = 10_000 + 2_000;

describe("stopping the app", () => {
  let stack: Stack;
  const { newConnectedPerson } = people(() => stack, 730_000);

  beforeAll(async () => {
    // /balance must ask bunq (not answer from held balances) for a handler to be in flight.
    stack = await startStack({
      delivery: "polling",
      telegramTimeScale: 0.1,
      env: { HELD_BALANCE_MAX_AGE_SECONDS: "0" },
    });
  }, SLOW);
  afterAll(async () => {
    await stack?.close();
  }, SLOW);

  it("npm start runs the app as one node process, so a signal reaches it", () => {
    const scripts = (
      JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.start).toBe("node --import tsx src/main.ts");
  });

  it(
    "SIGTERM lets the update in hand finish — the user gets the answer — and exits 0 within the deadline",
    async () => {
      const { p } = await newConnectedPerson("Tess");
      await stack.bunqControl("POST", "/faults", {
        kind: "latency",
        method: "GET",
        path: "monetary-account$",
        ms: 1_500,
      });
      const requestsBefore = (await stack.bunqControl<unknown[]>("GET", "/requests")).length;
      await stack.control.sendMessage(p.user.id, "/balance");
      // Wait until the handler is inside its bunq call, then stop.
      for (;;) {
        const requests = await stack.bunqControl<{ path: string }[]>("GET", "/requests");
        if (requests.slice(requestsBefore).some((r) => r.path.endsWith("/monetary-account"))) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const started = Date.now();
      await stack.stop(); // requires exit code 0
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
      const answers = await p.botMessages();
      expect(answers.at(-1)?.text).toContain("Total: €1,750.50");

      // The update was finished, so a restart does not answer it a second time.
      await stack.start();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await p.botMessages()).filter((m) => m.text?.includes("Total:"))).toHaveLength(1);
      await stack.expectClean();
    },
    SLOW,
  );

  it(
    "with Telegram unreachable, start-up logs that it keeps trying, and SIGTERM still stops it cleanly",
    async () => {
      await stack.stop();
      await stack.control.startOutage(120_000);
      try {
        await stack.start({ until: "Telegram unreachable at start-up; still trying" });
        const started = Date.now();
        await stack.stop();
        expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
      } finally {
        await stack.control.endOutage();
      }
      await stack.start();
      await stack.expectClean();
    },
    SLOW,
  );
});

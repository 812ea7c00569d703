/**
 * Fault injection on the money path, against the real app process, both emulators and a real
 * database (PGlite always; PostgreSQL too when DATABASE_URL is set, behind a TCP proxy the test
 * can cut). Each iteration walks people to a /pay summary, confirms, and strikes with one fault
 * at a seeded random moment:
 *
 *   sigkill   the process dies (SIGKILL) between Confirm and the final message, then restarts
 *   sigterm   a graceful stop at the same points (exit 0 within the deadline), then restarts
 *   database  the database goes away right after bunq executed the payment and before its answer
 *             arrives (PostgreSQL: the proxy resets every connection; PGlite: an injected outage)
 *   bunq      bunq answers 5xx, drops the connection, or answers too late — before or after
 *             executing
 *   telegram  Telegram is unreachable for a few seconds after the tap
 *
 * After each: every confirmed payment exists at bunq at most once; the chat's last word on it
 * matches bunq's books (never "outcome unknown", never "try again" after money moved); a person
 * interrupted in the middle of /pay continues where they were; no Bot API call was refused.
 * At the end every intent is completed or failed and marked told. FAULT_ITERATIONS (per
 * database, default 25) and FAULT_SEED change the run; the counts are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentIntents } from "../../src/db/schema.js";
import type { TranscriptMessage } from "../../src/emulator/telegram/control-client.js";
import { people, until, type Person } from "../e2e/people.js";
import { startStack, type SandboxUser, type Stack } from "../e2e/stack.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";

const ITERATIONS = Number(process.env.FAULT_ITERATIONS ?? 25);
const SEED = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);
const FAULTS = ["sigkill", "sigterm", "database", "bunq", "telegram"] as const;
type Fault = (typeof FAULTS)[number];
const BUNQ_FAULTS = [
  { kind: "status-after", status: 500 },
  { kind: "drop-after" },
  { kind: "latency-after", ms: 3_000 }, // longer than the app's 2 s bunq timeout
  { kind: "status", status: 503 },
  { kind: "drop" },
] as const;
/** The recipient of draft payments (a stranger's IBAN). */
const STRANGER = { iban: "NL91 ABNA 0417 1643 00", name: "Jan Jansen" };

/** mulberry32: small, seedable, good enough to spread fault timings. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Confirmed {
  readonly who: Person;
  readonly sandbox: SandboxUser;
  readonly kind: "own" | "draft";
  readonly description: string;
  readonly summary: TranscriptMessage;
}

interface Counts {
  iterations: number;
  faults: Record<Fault, number>;
  payments: number;
  executed: number;
  notSent: number;
  duplicates: number;
  resumedConversations: number;
}

/** The suite on one database; each backend has its own test file so the two run in parallel. */
export function describeMoneyPathUnderFaults(backend: "pglite" | "postgres"): void {
  describe.skipIf(backend === "postgres" && !process.env.DATABASE_URL)(
    `the money path under faults, on ${backend}`,
    () => {
      let stack: Stack;
      let proxy: TcpProxy | undefined;
      const rng = random(SEED + (backend === "postgres" ? 1 : 0));
      const counts: Counts = {
        iterations: 0,
        faults: { sigkill: 0, sigterm: 0, database: 0, bunq: 0, telegram: 0 },
        payments: 0,
        executed: 0,
        notSent: 0,
        duplicates: 0,
        resumedConversations: 0,
      };
      const { newConnectedPerson, ownPaymentSummary } = people(
        () => stack,
        backend === "pglite" ? 710_000 : 720_000,
      );
      let payer: { p: Person; sandbox: SandboxUser };
      let drafter: { p: Person; sandbox: SandboxUser };
      let wanderer: { p: Person; sandbox: SandboxUser };

      beforeAll(async () => {
        stack = await startStack({
          // Both deliveries are covered: polling on PGlite, webhook on PostgreSQL.
          delivery: backend === "pglite" ? "polling" : "webhook",
          database: backend,
          // Telegram at real time: a tap stays answerable for 15 s, longer than the app's 10 s window.
          telegramTimeScale: 1,
          env: { FAULT_INJECTION: "1" },
          ...(backend === "postgres"
            ? {
                databaseProxy: {
                  listen: async (target) => {
                    proxy = await startTcpProxy(target);
                    return proxy.port;
                  },
                },
              }
            : {}),
        });
        payer = await newConnectedPerson("Paula");
        drafter = await newConnectedPerson("Dirk");
        wanderer = await newConnectedPerson("Wanda");
      }, 120_000);

      afterAll(async () => {
        console.log(`fault injection on ${backend} (seed ${SEED}): ${JSON.stringify(counts)}`);
        if (process.env.E2E_DEBUG) console.log(stack?.output());
        await stack?.close();
        await proxy?.close();
      }, 120_000);

      /** Walks a person to the summary of an own-account payment or a draft to a stranger. */
      async function summaryFor(who: Person, kind: "own" | "draft", amount: string, description: string) {
        if (kind === "own") return ownPaymentSummary(who, "Main", "Rainy day", amount, description);
        const [fromQuestion] = await who.say("/pay");
        const { replies } = await who.press(fromQuestion!, "Main · EUR", 1);
        expect(replies[0]!.text).toContain("Who gets the money?");
        await who.say(STRANGER.iban);
        await who.say(STRANGER.name);
        await who.say(amount);
        return (await who.say(description))[0]!;
      }

      /** The chat's last word on a payment: a later notice about it, else its summary's final edit. */
      async function lastWord(payment: Confirmed): Promise<string | undefined> {
        const messages = await payment.who.botMessages();
        const notice = messages
          .filter(
            (m) => m.text?.startsWith("About your payment") && m.text.includes(`“${payment.description}”`),
          )
          .at(-1);
        if (notice) return notice.text;
        const summary = messages.find((m) => m.message_id === payment.summary.message_id)?.text ?? "";
        return /\n\n(✔|✖|⚠)/.test(summary) ? summary : undefined;
      }

      /** What bunq holds for a payment the bot sent, found by its description / its marker. */
      async function atBunq(payment: Confirmed): Promise<number> {
        const money = await stack.bunqControl<{
          payments: { account_id: number; amount: string; description: string }[];
          draft_payments: { entries: { description: string }[] }[];
        }>("GET", `/users/${payment.sandbox.user_id}/money`);
        if (payment.kind === "own") {
          // The outgoing side of the transfer (the savings account holds the incoming one).
          const main = payment.sandbox.accounts[0]!.id;
          return money.payments.filter((p) => p.account_id === main && p.description === payment.description)
            .length;
        }
        return money.draft_payments.filter((d) =>
          d.entries.some((e) => e.description === payment.description),
        ).length;
      }

      const confirmedSoFar: Confirmed[] = [];

      async function strike(fault: Fault, confirm: () => Promise<void>, postsSeen: () => Promise<boolean>) {
        counts.faults[fault]++;
        switch (fault) {
          case "sigkill":
          case "sigterm": {
            await confirm();
            await sleep(rng() * 1_500);
            if (fault === "sigkill") {
              await stack.kill();
            } else {
              const started = Date.now();
              await stack.stop(); // requires exit code 0
              expect(Date.now() - started).toBeLessThan(12_000); // SHUTDOWN_TIMEOUT_SECONDS=10 + margin
            }
            await stack.start();
            return;
          }
          case "database": {
            // bunq executes, then holds its answer back; the database goes away in that moment.
            await stack.bunqControl("POST", "/faults", {
              kind: "latency-after",
              ms: 600,
              method: "POST",
              path: "payment$",
              times: 2,
            });
            await confirm();
            await until(
              async () => ((await postsSeen()) ? true : undefined),
              "the payment POSTs at bunq",
              20_000,
            );
            if (proxy) {
              proxy.cut();
              await sleep(1_500 + rng() * 1_500);
              proxy.restore();
            } else {
              stack.signal("SIGUSR2"); // FAULT_INJECTION: 3 s without a database
            }
            return;
          }
          case "bunq": {
            const spec = BUNQ_FAULTS[Math.floor(rng() * BUNQ_FAULTS.length)]!;
            await stack.bunqControl("POST", "/faults", {
              ...spec,
              method: "POST",
              path: "payment$",
              times: 2,
            });
            await confirm();
            return;
          }
          case "telegram": {
            await confirm();
            await sleep(rng() * 400);
            await stack.control.startOutage(1_500 + Math.floor(rng() * 2_500));
            return;
          }
        }
      }

      it(
        `keeps every payment single and every chat told the truth over ${ITERATIONS} seeded faults`,
        async () => {
          for (let iteration = 0; iteration < ITERATIONS; iteration++) {
            const fault = FAULTS[iteration % FAULTS.length]!;
            const cents = () => (1 + Math.floor(rng() * 99)).toString().padStart(2, "0");
            const payments: Confirmed[] = [];
            // Two chats walk to their summaries side by side.
            const walks = (
              [
                [payer, "own"],
                [drafter, "draft"],
              ] as const
            ).map(async ([who, kind]) => {
              const description = `${backend[0]}${iteration}${kind}`;
              const summary = await summaryFor(who.p, kind, `0.${cents()}`, description);
              return { who: who.p, sandbox: who.sandbox, kind, description, summary };
            });
            payments.push(...(await Promise.all(walks)));
            // Someone in the middle of /pay when the process dies: their next answer must continue.
            const interrupts = fault === "sigkill" || fault === "sigterm";
            if (interrupts) {
              const [fromQuestion] = await wanderer.p.say("/pay");
              const { replies } = await wanderer.p.press(fromQuestion!, "Main · EUR", 1);
              await wanderer.p.press(replies[0]!, "Rainy day · EUR", 1);
            }

            const postsBefore = await paymentPosts();
            await strike(
              fault,
              async () => {
                await Promise.all(payments.map((payment) => payment.who.press(payment.summary, "Confirm")));
              },
              async () => (await paymentPosts()) >= postsBefore + payments.length,
            );
            counts.iterations++;
            counts.payments += payments.length;
            confirmedSoFar.push(...payments);

            for (const payment of payments) {
              const word = await until(
                () => lastWord(payment),
                `the outcome of ${payment.description} (${fault})`,
                45_000,
              );
              expect(word, `${payment.description} after ${fault}`).not.toContain("⚠");
              const copies = await atBunq(payment);
              if (copies > 1) counts.duplicates++;
              expect(copies, `${payment.description} exists at bunq at most once`).toBeLessThanOrEqual(1);
              if (copies === 1) {
                counts.executed++;
                expect(word).toContain(payment.kind === "own" ? "✔ Paid." : "✔ Draft created.");
              } else {
                counts.notSent++;
                expect(word).toMatch(/✖ (Not sent|bunq refused)/);
              }
              const chat = (await payment.who.botMessages()).map((m) => m.text ?? "").join("\n");
              expect(chat).not.toMatch(/try again in a minute/i);
            }

            if (interrupts) {
              await wanderer.p.say(`0.${cents()}`);
              await until(
                async () =>
                  (await wanderer.p.botMessages()).some((m) =>
                    m.text?.startsWith("Description for the payment?"),
                  )
                    ? true
                    : undefined,
                "the wanderer's next question",
              );
              counts.resumedConversations++;
              await wanderer.p.say("/cancel");
            }
            for (const who of [payer.p, drafter.p, wanderer.p]) await who.skipSeen();
            await stack.bunqControl("DELETE", "/faults");
            // An edit whose answer the outage cut is sent again and Telegram answers "not
            // modified": it was applied the first time. The bot takes that as done.
            await stack.expectClean(
              fault === "telegram" ? { tolerate: /^editMessageText: .*message is not modified/ } : {},
            );
          }

          const intents = await stack.withDatabase((db) => db.select().from(paymentIntents));
          const ours = intents.filter((intent) =>
            confirmedSoFar.some((c) => c.description === intent.description),
          );
          expect(ours).toHaveLength(confirmedSoFar.length);
          for (const intent of ours) {
            expect([intent.description, intent.status]).toEqual([
              intent.description,
              expect.stringMatching(/^(completed|failed)$/),
            ]);
            expect(intent.notifiedAt, `${intent.description} was told`).not.toBeNull();
          }
          for (const payment of confirmedSoFar) {
            const intent = ours.find((i) => i.description === payment.description)!;
            expect(await atBunq(payment)).toBe(intent.status === "completed" ? 1 : 0);
          }
          expect(counts.duplicates).toBe(0);
        },
        ITERATIONS * 60_000,
      );

      async function paymentPosts(): Promise<number> {
        const requests = await stack.bunqControl<{ method: string; path: string }[]>("GET", "/requests");
        return requests.filter((r) => r.method === "POST" && /\/(payment|draft-payment)$/.test(r.path))
          .length;
      }
    },
  );
}

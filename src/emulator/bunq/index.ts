/**
 * bunq sandbox emulator: a standalone HTTP server that behaves like bunq's sandbox as its
 * OpenAPI spec and prose docs describe, for tests and the offline demo.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNotifier } from "./callbacks.js";
import { createUser, type LoggedRequest } from "./control.js";
import { FaultBox } from "./faults.js";
import { PerIpRateLimits } from "./rate-limits.js";
import { createRequestHandler } from "./server.js";
import { generateServerKeys } from "./signing.js";
import type { SpecViolation } from "./spec/validator.js";
import { EmulatorState } from "./state.js";

export interface BunqEmulatorOptions {
  port?: number;
  host?: string;
  /** Multiplies every time window (rate limits, session lifetimes). */
  timeScale?: number;
  /** Start with a few sandbox users with accounts and history. */
  seed?: boolean;
}

export interface BunqEmulator {
  urls: { api: string; oauthAuthorize: string; oauthToken: string; control: string };
  /** API keys of the seed users (empty without `seed`). */
  seedUsers: { user_id: number; api_key: string; accounts: { id: number; iban: string; type: string }[] }[];
  /** Resolves when every callback delivery under way has succeeded or given up. */
  settleCallbacks(): Promise<void>;
  /** Responses served so far that did not validate against bunq's OpenAPI spec. */
  specViolations(): readonly SpecViolation[];
  close(): Promise<void>;
}

function seed(state: EmulatorState) {
  const users = [
    createUser(state, {
      display_name: "Alice Sandbox",
      accounts: [
        { type: "bank", description: "Main", balance: "1250.00" },
        { type: "savings", description: "Savings", balance: "5000.00" },
        { type: "joint", description: "Household", balance: "300.00" },
      ],
    }),
    createUser(state, {
      display_name: "Bob Sandbox",
      accounts: [{ type: "bank", description: "Main", balance: "80.00" }],
    }),
  ];
  // A little history, so listings and paging have something to show.
  const [alice, bob] = users;
  const shops = ["Albert Heijn", "NS Reizigers", "Bol.com", "Coffee Company", "Gemeente Amsterdam"];
  for (const [i, shop] of shops.entries()) {
    const main = state.accounts.get(alice!.accounts[0]!.id)!;
    state.book(main, -BigInt(250 + i * 1175), `Payment to ${shop}`, {
      iban: "NL91ABNA0417164300",
      name: shop,
    });
  }
  // Enough for /transactions to have an older page.
  const everyday: [string, bigint, string][] = [
    ["Acme B.V.", 245_000n, "Salary"],
    ["Woonstichting De Key", -95_000n, "Rent"],
    ["Albert Heijn", -3_412n, "Groceries"],
    ["NS Reizigers", -860n, "Train Amsterdam–Utrecht"],
    ["Vodafone", -2_500n, "Phone subscription"],
    ["Coffee Company", -385n, "Cappuccino"],
    ["Jumbo", -2_746n, "Groceries"],
    ["Pathé", -1_450n, "Cinema"],
    ["Bol.com", -4_999n, "Headphones"],
    ["Eneco", -11_200n, "Energy"],
    ["Thuisbezorgd", -2_315n, "Dinner"],
    ["Gemeente Amsterdam", -6_300n, "Parking permit"],
  ];
  for (const [name, cents, description] of everyday) {
    state.book(state.accounts.get(alice!.accounts[0]!.id)!, cents, description, {
      iban: "NL91ABNA0417164300",
      name,
    });
  }
  const bobMain = state.accounts.get(bob!.accounts[0]!.id)!;
  state.book(bobMain, -1500n, "Lunch", { iban: alice!.accounts[0]!.iban, name: "Alice Sandbox" });
  state.book(state.accounts.get(alice!.accounts[0]!.id)!, 1500n, "Lunch", {
    iban: bobMain.iban,
    name: "Bob Sandbox",
  });
  return users;
}

export async function startBunqEmulator(options: BunqEmulatorOptions = {}): Promise<BunqEmulator> {
  const timeScale = options.timeScale ?? 1;
  const keys = generateServerKeys();
  const faults = new FaultBox();
  const limits = new PerIpRateLimits(timeScale);
  const log: LoggedRequest[] = [];
  const specViolations: SpecViolation[] = [];
  let state = new EmulatorState();
  const notifier = createNotifier(() => state, timeScale);
  state.onEvent = (event) => notifier.notify(event);
  const deps = {
    keys,
    faults,
    limits,
    log,
    specViolations,
    timeScale,
    get state() {
      return state;
    },
    reset() {
      state = new EmulatorState();
      state.onEvent = (event) => notifier.notify(event);
      faults.clear();
      limits.reset();
      log.length = 0;
    },
  };
  const seedUsers = options.seed ? seed(state) : [];
  const handle = createRequestHandler(deps);
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const { port } = server.address() as AddressInfo;
  const base = `http://${options.host ?? "127.0.0.1"}:${port}`;
  return {
    urls: {
      api: `${base}/v1`,
      oauthAuthorize: `${base}/oauth/auth`,
      oauthToken: `${base}/api-oauth/v1/token`,
      control: `${base}/_emulator`,
    },
    seedUsers,
    specViolations: () => [...specViolations],
    settleCallbacks: () => notifier.settle(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

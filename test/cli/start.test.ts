import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");

function start(env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), "bunqbot-start-"));
  return spawnSync(tsx, [join(root, "src/main.ts")], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("npm start", () => {
  it("exits non-zero with one line naming a missing bot token in production", () => {
    const result = start({ NODE_ENV: "production" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      "Configuration error: TELEGRAM_BOT_TOKEN is required: the token @BotFather gave your bot",
    ]);
  });

  it("names a malformed port", () => {
    const result = start({ TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi", PORT: "abc" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Configuration error: PORT must be an integer between 1 and 65535 (got "abc")',
    );
  });
});

import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { loadKeyring } from "../../src/db/keys.js";
import { createLogger } from "../../src/logger.js";

const TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi";

function logger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ level: "info", pretty: false, destination }), lines };
}

describe("encryption keys", () => {
  it("generates a development key once, readable only by the owner, and says so without the key", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bunqbot-keys-"));
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, DATA_DIR: dataDir });
    const { log, lines } = logger();
    const first = loadKeyring(config, log);
    const file = join(dataDir, "encryption.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines.join("")).toContain("Generated a development encryption key");
    expect(lines.join("")).not.toContain(readFileSync(file, "utf8").split(":")[1]!.trim());
    const envelope = first.encrypt("x", { table: "t", row: "r", purpose: "p" });
    const second = loadKeyring(config, log);
    expect(second.decrypt(envelope, { table: "t", row: "r", purpose: "p" })).toBe("x");
    expect(lines).toHaveLength(1);
  });

  it("refuses to invent a key for a shared Postgres database", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, DATABASE_URL: "postgres://db/bunqbot" });
    expect(() => loadKeyring(config, logger().log)).toThrow(/ENCRYPTION_KEYS is required/);
  });
});

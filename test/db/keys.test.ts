import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { loadAuditPseudonymKey, loadKeyring } from "../../src/db/keys.js";
import { captureLogs } from "../helpers/logs.js";

const TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi";

describe("encryption keys", () => {
  it("generates a development key once, readable only by the owner, and says so without the key", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bunqbot-keys-"));
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, DATA_DIR: dataDir });
    const { logger: log, lines } = captureLogs();
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
    expect(() => loadKeyring(config, captureLogs().logger)).toThrow(/ENCRYPTION_KEYS is required/);
  });
});

describe("audit pseudonym key", () => {
  it("is generated once for development, readable only by the owner, and never logged", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bunqbot-keys-"));
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, DATA_DIR: dataDir });
    const { logger: log, lines } = captureLogs();
    const first = loadAuditPseudonymKey(config, log);
    const file = join(dataDir, "audit-pseudonym.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(lines.join("")).toContain("Generated a development audit pseudonym key");
    expect(lines.join("")).not.toContain(readFileSync(file, "utf8").trim());
    expect(loadAuditPseudonymKey(config, log)).toEqual(first);
    expect(lines).toHaveLength(1);
  });

  it("is its own key: a new encryption key leaves it as it was", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bunqbot-keys-"));
    const before = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, DATA_DIR: dataDir });
    const { logger: log } = captureLogs();
    const key = loadAuditPseudonymKey(before, log);
    const rotated = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      DATA_DIR: dataDir,
      ENCRYPTION_KEYS: `k2:${Buffer.alloc(32, 3).toString("base64")}`,
    });
    expect(loadAuditPseudonymKey(rotated, log)).toEqual(key);
  });

  it("takes the configured key as it is", () => {
    const key = Buffer.alloc(32, 4);
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, AUDIT_PSEUDONYM_KEY: key.toString("base64") });
    expect(loadAuditPseudonymKey(config, captureLogs().logger)).toEqual(key);
  });
});

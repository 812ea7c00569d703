/**
 * Where the encryption keys and the audit pseudonym key come from. Production must configure
 * them; a developer gets them generated once into the data directory, readable only by them.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AUDIT_KEY_MIN_BYTES, type Config } from "../config.js";
import type { Logger } from "../logger.js";
import { Keyring } from "./crypto.js";

const GENERATED_KEY_FILE = "encryption.key";
const GENERATED_KEY_ID = "local";
const GENERATED_AUDIT_KEY_FILE = "audit-pseudonym.key";

export function loadKeyring(config: Config, logger: Logger): Keyring {
  if (config.encryptionKeys) return new Keyring(config.encryptionKeys);
  if (config.mode === "production" || config.database.url) {
    throw new Error(
      "ENCRYPTION_KEYS is required (keyId:base64 of 32 random bytes) in production or with DATABASE_URL",
    );
  }
  const file = generateOnce(
    config,
    logger,
    GENERATED_KEY_FILE,
    `${GENERATED_KEY_ID}:${randomBase64()}`,
    "Generated a development encryption key; back it up, or set ENCRYPTION_KEYS to manage keys yourself",
  );
  const [id, key] = readFileSync(file, "utf8").trim().split(":");
  return new Keyring([{ id: id ?? GENERATED_KEY_ID, key: Buffer.from(key ?? "", "base64") }]);
}

/** The HMAC key of audit pseudonyms (see services/audit.ts). */
export function loadAuditPseudonymKey(config: Config, logger: Logger): Buffer {
  if (config.auditPseudonymKey) return config.auditPseudonymKey;
  if (config.mode === "production") {
    throw new Error(
      `AUDIT_PSEUDONYM_KEY is required (base64 of at least ${AUDIT_KEY_MIN_BYTES} random bytes) in production`,
    );
  }
  const file = generateOnce(
    config,
    logger,
    GENERATED_AUDIT_KEY_FILE,
    randomBase64(),
    "Generated a development audit pseudonym key; back it up, or audit records can no longer be matched to chats",
  );
  const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  if (key.length < AUDIT_KEY_MIN_BYTES) throw new Error(`${file} does not hold an audit pseudonym key`);
  return key;
}

function randomBase64(): string {
  return randomBytes(32).toString("base64");
}

/** The path of `name` in DATA_DIR, written (owner-only) with `contents` if it did not exist. */
function generateOnce(
  config: Config,
  logger: Logger,
  name: string,
  contents: string,
  warning: string,
): string {
  const file = join(config.database.dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(config.database.dataDir, { recursive: true });
    writeFileSync(file, `${contents}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    logger.warn({ file }, warning);
  }
  return file;
}

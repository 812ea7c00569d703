/**
 * Where the encryption keys come from. Production must configure them; a developer using the
 * embedded database gets one generated once into the data directory, readable only by them.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { Keyring } from "./crypto.js";

const GENERATED_KEY_FILE = "encryption.key";
const GENERATED_KEY_ID = "local";

export function loadKeyring(config: Config, logger: Logger): Keyring {
  if (config.encryptionKeys) return new Keyring(config.encryptionKeys);
  if (config.mode === "production" || config.database.url) {
    throw new Error(
      "ENCRYPTION_KEYS is required (keyId:base64 of 32 random bytes) in production or with DATABASE_URL",
    );
  }
  const file = join(config.database.dataDir, GENERATED_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(config.database.dataDir, { recursive: true });
    writeFileSync(file, `${GENERATED_KEY_ID}:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    logger.warn(
      { file },
      "Generated a development encryption key; back it up, or set ENCRYPTION_KEYS to manage keys yourself",
    );
  }
  const [id, key] = readFileSync(file, "utf8").trim().split(":");
  return new Keyring([{ id: id ?? GENERATED_KEY_ID, key: Buffer.from(key ?? "", "base64") }]);
}

/**
 * Secrets at rest: AES-256-GCM with a fresh 96-bit IV per value. Each ciphertext names the
 * key that made it (so keys can rotate) and is bound through GCM's associated data to the
 * table, row and purpose it was written for, so a ciphertext copied elsewhere fails.
 *
 * Envelope: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface KeyringKey {
  readonly id: string;
  readonly key: Buffer;
}

export class DecryptionError extends Error {
  override readonly name = "DecryptionError";
}

/** Where a ciphertext belongs, e.g. `{ table: "bunq_api_contexts", row: "provider", purpose: "private_key" }`. */
export interface Binding {
  readonly table: string;
  readonly row: string;
  readonly purpose: string;
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

function associatedData(binding: Binding): Buffer {
  return Buffer.from(JSON.stringify([binding.table, binding.row, binding.purpose]), "utf8");
}

export class Keyring {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #newest: KeyringKey;

  /** @param keys every usable key, newest last; the newest encrypts, all decrypt. */
  constructor(keys: readonly KeyringKey[]) {
    const newest = keys.at(-1);
    if (!newest) throw new Error("a keyring needs at least one key");
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes`);
      if (id.includes(".")) throw new Error(`encryption key id ${id} must not contain "."`);
    }
    this.#keys = new Map(keys.map(({ id, key }) => [id, key]));
    this.#newest = newest;
  }

  get currentKeyId(): string {
    return this.#newest.id;
  }

  encrypt(plaintext: string, binding: Binding): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#newest.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(binding));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString("base64url"));
    return [VERSION, this.#newest.id, ...parts].join(".");
  }

  decrypt(envelope: string, binding: Binding): string {
    const where = `${binding.table}.${binding.purpose}`;
    const [version, keyId, iv, ciphertext, tag, ...rest] = envelope.split(".");
    if (version !== VERSION || !keyId || !iv || ciphertext === undefined || !tag || rest.length > 0) {
      throw new DecryptionError(`${where}: not an encrypted value`);
    }
    const key = this.#keys.get(keyId);
    if (!key) throw new DecryptionError(`${where}: encrypted with unknown key id "${keyId}"`);
    const tagBytes = Buffer.from(tag, "base64url");
    // Node accepts a GCM tag as short as 4 bytes unless told otherwise, and a short tag is
    // far easier to forge; ours are always 16, so anything else is not one of ours.
    if (tagBytes.length !== TAG_BYTES) {
      throw new DecryptionError(`${where}: authentication tag is not ${TAG_BYTES} bytes (tampered with)`);
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(associatedData(binding));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      throw new DecryptionError(
        `${where}: ciphertext was tampered with or does not belong to this row (authentication failed)`,
      );
    }
  }

  /** The key id an envelope was made with (for rotation). */
  static keyIdOf(envelope: string): string | undefined {
    return envelope.split(".")[1];
  }
}

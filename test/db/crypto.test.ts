import { describe, expect, it } from "vitest";
import { DecryptionError, Keyring } from "../../src/db/crypto.js";
import { randomKey, testKeyring } from "../helpers/keys.js";

const where = { table: "bunq_connections", row: "42", purpose: "access_token" };

function flipOneCharacter(envelope: string, partIndex: number): string {
  const parts = envelope.split(".");
  const part = parts[partIndex]!;
  parts[partIndex] = (part[0] === "A" ? "B" : "A") + part.slice(1);
  return parts.join(".");
}

describe("secrets at rest", () => {
  it("round-trips and never stores the plaintext or reuses an IV", () => {
    const keyring = testKeyring("k1");
    const first = keyring.encrypt("bunq-access-token", where);
    const second = keyring.encrypt("bunq-access-token", where);
    expect(first).not.toContain("bunq-access-token");
    expect(first).not.toBe(second);
    expect(first.startsWith("v1.k1.")).toBe(true);
    expect(keyring.decrypt(first, where)).toBe("bunq-access-token");
  });

  it.each([
    ["ciphertext", 3],
    ["IV", 2],
    ["tag", 4],
  ])("rejects a tampered %s", (_name, partIndex) => {
    const keyring = testKeyring("k1");
    const tampered = flipOneCharacter(keyring.encrypt("secret value", where), partIndex);
    expect(() => keyring.decrypt(tampered, where)).toThrow(DecryptionError);
    expect(() => keyring.decrypt(tampered, where)).toThrow(/tampered with or does not belong to this row/);
  });

  it("rejects an unknown key id, naming it", () => {
    const envelope = testKeyring("k1").encrypt("secret value", where);
    expect(() => testKeyring("k2").decrypt(envelope, where)).toThrow('unknown key id "k1"');
  });

  it("rejects a ciphertext moved to another row or purpose", () => {
    const keyring = testKeyring("k1");
    const envelope = keyring.encrypt("secret value", where);
    expect(() => keyring.decrypt(envelope, { ...where, row: "43" })).toThrow(DecryptionError);
    expect(() => keyring.decrypt(envelope, { ...where, purpose: "session_token" })).toThrow(DecryptionError);
  });

  it("encrypts with the newest key and still decrypts with older ones", () => {
    const old = randomKey("old");
    const oldOnly = new Keyring([old]);
    const both = new Keyring([old, randomKey("new")]);
    const legacy = oldOnly.encrypt("kept", where);
    expect(both.decrypt(legacy, where)).toBe("kept");
    expect(Keyring.keyIdOf(both.encrypt("fresh", where))).toBe("new");
  });

  it("error messages contain neither plaintext nor key material", () => {
    const keyring = testKeyring("k1");
    const envelope = keyring.encrypt("TOPSECRET", where);
    try {
      keyring.decrypt(envelope, { ...where, row: "1" });
    } catch (error) {
      expect(String(error)).not.toContain("TOPSECRET");
      expect(String(error)).not.toContain(envelope.split(".")[3]);
    }
    expect.assertions(2);
  });
});

describe("authentication tag length", () => {
  function withTag(envelope: string, tag: (full: Buffer) => Buffer): string {
    const parts = envelope.split(".");
    parts[4] = tag(Buffer.from(parts[4]!, "base64url")).toString("base64url");
    return parts.join(".");
  }

  it.each([4, 15])("refuses a tag truncated to %i bytes", (length) => {
    const keyring = testKeyring("k1");
    const truncated = withTag(keyring.encrypt("secret value", where), (full) => full.subarray(0, length));
    expect(() => keyring.decrypt(truncated, where)).toThrow(DecryptionError);
  });

  it("refuses a tag longer than 16 bytes", () => {
    const keyring = testKeyring("k1");
    const padded = withTag(keyring.encrypt("secret value", where), (full) =>
      Buffer.concat([full, Buffer.alloc(1)]),
    );
    expect(() => keyring.decrypt(padded, where)).toThrow(DecryptionError);
  });
});

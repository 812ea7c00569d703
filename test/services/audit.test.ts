import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/client.js";
import { auditLog } from "../../src/db/schema.js";
import { AuditTrail } from "../../src/services/audit.js";
import { openMigrated, testBackends } from "../helpers/databases.js";

const CHAT = 424242;

describe("audit pseudonyms", () => {
  it("depend on the key: two deployments cannot match each other's rows", () => {
    const one = new AuditTrail(randomBytes(32));
    const other = new AuditTrail(randomBytes(32));
    expect(one.pseudonym(CHAT)).toBe(one.pseudonym(CHAT));
    expect(one.pseudonym(CHAT)).not.toBe(other.pseudonym(CHAT));
    expect(one.pseudonym(CHAT)).not.toBe(one.pseudonym(CHAT + 1));
  });

  it("are not the bare hash of the chat id, which anyone could compute for every small integer", () => {
    const pseudonym = new AuditTrail(randomBytes(32)).pseudonym(CHAT);
    const hex = pseudonym.replace(/^chat:/, "");
    for (const input of [`telegram-chat:${CHAT}`, String(CHAT)]) {
      expect(createHash("sha256").update(input).digest("hex")).not.toContain(hex);
    }
    expect(pseudonym).not.toContain(String(CHAT));
  });

  it("refuse a key shorter than 32 bytes", () => {
    expect(() => new AuditTrail(randomBytes(16))).toThrow(/at least 32 bytes/);
  });
});

describe.each(testBackends)("audit records on $name", (backend) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(backend);
  });
  afterAll(async () => handle.close());

  it("name the chat only by its keyed pseudonym", async () => {
    const audit = new AuditTrail(randomBytes(32));
    await audit.record(handle.db, CHAT, "payment.created", { amount: "1250" });
    const [row] = await handle.db.select().from(auditLog);
    expect(row).toMatchObject({ subject: audit.pseudonym(CHAT), action: "payment.created" });
    expect(JSON.stringify(row)).not.toContain(String(CHAT));
  });
});

/**
 * Writes due while the database is away: kept and written once it is back, in order; a write
 * that hangs on a dead connection is tried again; a write that is simply wrong is not kept.
 */
import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError } from "../../src/db/availability.js";
import { WriteBehind } from "../../src/services/write-behind.js";
import { captureLogs } from "../helpers/logs.js";

describe("write-behind", () => {
  it("keeps writes during an outage and writes them in order once the database is back", async () => {
    let down = true;
    const written: string[] = [];
    const write = (what: string) => async () => {
      if (down) throw new DatabaseUnavailableError();
      written.push(what);
    };
    const writes = new WriteBehind(captureLogs().logger, 10);
    expect(await writes.run("outcome", write("outcome"))).toBe(false);
    expect(await writes.run("notified", write("notified"))).toBe(false);
    expect(writes.pending).toBe(2);
    down = false;
    expect(await writes.flush(1_000)).toBe(0);
    expect(written).toEqual(["outcome", "notified"]);
  });

  it("tries a write that hangs again instead of waiting on it forever", async () => {
    let attempts = 0;
    const writes = new WriteBehind(captureLogs().logger, 10, 50);
    const hangsOnce = async () => {
      attempts++;
      if (attempts === 1) await new Promise(() => undefined);
    };
    expect(await writes.run("outcome", hangsOnce)).toBe(false);
    expect(await writes.flush(1_000)).toBe(0);
    expect(attempts).toBe(2);
  });

  it("does not keep a write that fails for another reason than an outage", async () => {
    const writes = new WriteBehind(captureLogs().logger, 10);
    await expect(writes.run("bad", () => Promise.reject(new Error("constraint violated")))).rejects.toThrow(
      "constraint violated",
    );
    expect(writes.pending).toBe(0);
  });
});

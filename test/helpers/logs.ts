import { Writable } from "node:stream";
import { createLogger } from "../../src/logger.js";

/** A real production-mode logger whose JSON lines are kept for assertions. */
export function captureLogs(level = "info") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = createLogger({ level, pretty: false, destination });
  return { logger, lines, output: () => lines.join("") };
}

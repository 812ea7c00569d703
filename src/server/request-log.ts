/**
 * One log line per request, with the path only: query strings carry OAuth codes and states,
 * and a bunq callback's path carries its connection's secret, which is replaced.
 */
import type { RequestHandler } from "express";
import type { Logger } from "../logger.js";

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      logger.info(
        {
          method: req.method,
          path: loggablePath(req.path),
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
        },
        "http request",
      );
    });
    next();
  };
}

/** The path with a bunq callback secret replaced by a placeholder. */
export function loggablePath(path: string): string {
  return path.replace(/^(\/bunq\/callback\/)[^/]+/, "$1:secret");
}

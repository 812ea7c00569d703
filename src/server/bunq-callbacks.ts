/**
 * POST /bunq/callback/<secret>: where bunq reports events. bunq does not sign callbacks, so a
 * request must come from bunq's address range (when one is configured — production), name a
 * connection's secret, and carry a small, well-formed body; only then is it stored, and we
 * answer 200 at once. A 5xx makes bunq retry (5 times, a minute apart), so it is kept for our
 * own failures, and each one is reported (held balances stop being trusted from then on).
 */
import { BlockList, isIPv4 } from "node:net";
import express, { Router, type RequestHandler } from "express";
import type { Logger } from "../logger.js";
import type { CallbackConnection, CallbackReceiver } from "../services/notifications/callback-receiver.js";

/** bunq's callback objects are a few kB; anything far larger is not one. */
const BODY_LIMIT = "32kb";

export const BUNQ_CALLBACK_PATH = "/bunq/callback";

export interface BunqCallbackRouteDeps {
  readonly receiver: CallbackReceiver;
  readonly logger: Logger;
  /** CIDR ranges callbacks may come from; undefined: anywhere (sandbox, tests). */
  readonly allowedSources?: readonly string[];
  /** We answered 5xx: bunq's callback may be lost until its retry. */
  readonly onFailure?: () => void;
}

export function bunqCallbackRoutes(deps: BunqCallbackRouteDeps): Router {
  const router = Router();
  const allowed = deps.allowedSources ? blockListOf(deps.allowedSources) : undefined;

  const fromBunq: RequestHandler = (req, res, next) => {
    const source = unmapped(req.ip ?? "");
    if (!allowed || (source && allowed.check(source, isIPv4(source) ? "ipv4" : "ipv6"))) return next();
    deps.logger.warn({ source }, "bunq callback refused: not from bunq's address range");
    res.status(403).json({ error: "forbidden" });
  };

  const failed = (res: express.Response, error: unknown) => {
    deps.onFailure?.();
    deps.logger.error(
      { err: { name: error instanceof Error ? error.name : "unknown" } },
      "bunq callback could not be stored; bunq will retry",
    );
    res.status(503).json({ error: "try again" });
  };

  const ownedSecret: RequestHandler = async (req, res, next) => {
    try {
      const connection = await deps.receiver.connectionFor(String(req.params.secret));
      if (!connection) {
        res.status(404).json({ error: "not found" });
        return;
      }
      res.locals.connection = connection;
      next();
    } catch (error) {
      failed(res, error);
    }
  };

  router.post(
    `${BUNQ_CALLBACK_PATH}/:secret`,
    fromBunq,
    ownedSecret,
    // bunq's content type is not documented: read any body as JSON.
    express.json({ limit: BODY_LIMIT, type: () => true, strict: true }),
    async (req, res) => {
      try {
        const connection = res.locals.connection as CallbackConnection;
        const outcome = await deps.receiver.receive(connection, req.body);
        switch (outcome.kind) {
          case "stored":
          case "duplicate":
          case "foreign":
            // Ignored ones get 200 too: a retry would not change them, and a prober learns nothing.
            res.status(200).json({ ok: true });
            return;
          case "malformed":
            deps.logger.warn({ reason: outcome.reason }, "bunq callback refused: malformed");
            res.status(400).json({ error: "malformed callback" });
            return;
        }
      } catch (error) {
        failed(res, error);
      }
    },
  );
  return router;
}

function blockListOf(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [address, prefix] = range.split("/") as [string, string | undefined];
    const type = isIPv4(address) ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** `::ffff:185.40.108.1` (an IPv4 client on a dual-stack socket) is 185.40.108.1. */
const unmapped = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

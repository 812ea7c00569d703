/** What a bunq API route sees, and what it declares about authentication and signing. */
import type { IncomingHttpHeaders } from "node:http";
import type { EmulatorState, Installation, Session } from "./state.js";

export interface ApiRequest {
  readonly method: string;
  /** Path below /v1, e.g. `/user/12/monetary-account`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  readonly json: unknown;
  readonly params: Readonly<Record<string, string>>;
  readonly installation?: Installation;
  readonly session?: Session;
}

export interface ApiResult {
  readonly status?: number;
  readonly body: unknown;
}

export interface Emulation {
  readonly state: EmulatorState;
  readonly timeScale: number;
  readonly serverPublicKeyPem: string;
}

export interface ApiRoute {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** e.g. `/user/:userId/monetary-account/:accountId/payment` */
  readonly path: string;
  /** none: installation; installation: device-server and session-server; session: everything else. */
  readonly auth: "none" | "installation" | "session";
  /** bunq answers 466 when the body of this call is not signed. */
  readonly signed?: boolean;
  handle(request: ApiRequest, emulation: Emulation): ApiResult | Promise<ApiResult>;
}

export interface CompiledRoute extends ApiRoute {
  readonly regex: RegExp;
  /** Rate limits count per endpoint pattern, e.g. `/user/{id}/monetary-account`. */
  readonly endpoint: string;
}

export function compile(route: ApiRoute): CompiledRoute {
  const regex = new RegExp(`^${route.path.replace(/:(\w+)/g, "(?<$1>\\d+)")}$`);
  return { ...route, regex, endpoint: route.path.replace(/:\w+/g, "{id}") };
}

/** bunq's envelope: every object wrapped and listed under Response. */
export function respond(...objects: Record<string, unknown>[]): ApiResult {
  return { body: { Response: objects } };
}

/**
 * One principal's standing with bunq: installation → device-server → session-server, kept in
 * the store so a restart reuses it. Sessions are renewed ahead of expiry, and once more when
 * bunq says "Insufficient authorisation."; concurrent callers share one renewal, and the
 * limiter spaces session-server calls (1 per 30 s) instead of letting bunq answer 429.
 * Every read of a connection that no user asked for is counted, and refused past PSD2's daily
 * limit before it leaves (see `attendance.ts`).
 */
import { z } from "zod";
import { currentAttendance, InMemoryUnattendedReadBudget, type UnattendedReadBudget } from "./attendance.js";
import type { ApiContextState, ApiContextStore, BunqSession, Principal } from "./context-store.js";
import { SessionExpiredError, UnattendedReadRefusedError } from "./errors.js";
import { unwrapObject } from "./envelope.js";
import { endpointPattern } from "./rate-limiter.js";
import { generateInstallationKeyPair } from "./signing.js";
import type { BunqRequest, BunqResponse, BunqTransport } from "./transport.js";
import { anyUser, normalizeUser, type BunqUser } from "./users.js";

const DEFAULT_SESSION_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** Counts unattended reads of contexts given no budget of their own, so the limit always holds. */
const processUnattendedReads = new InMemoryUnattendedReadBudget();

const installationAnswer = z.object({
  Id: z.object({ id: z.number().int() }),
  Token: z.object({ token: z.string().min(1) }),
  ServerPublicKey: z.object({ server_public_key: z.string().min(1) }),
});
const idAnswer = z.object({ Id: z.object({ id: z.number().int() }) });
const sessionAnswer = z
  .object({ Id: z.object({ id: z.number().int() }), Token: z.object({ token: z.string().min(1) }) })
  .catchall(z.unknown());

export interface ApiContextOptions {
  readonly transport: BunqTransport;
  readonly store: ApiContextStore;
  readonly environment: "sandbox" | "production";
  readonly deviceDescription?: string;
  /** Renew this long before bunq would expire the session. */
  readonly refreshMarginMs?: number;
  /** Multiplies session lifetimes (matches an emulator run with shrunken time). */
  readonly timeScale?: number;
  /**
   * Where unattended reads are counted (shared by all instances: the database). Without it a
   * process-wide in-memory budget is used.
   */
  readonly unattendedReads?: UnattendedReadBudget;
}

/** What a freshly made installation gives: enough to sign a PSD2 credential request. */
export interface InstallationDetails {
  /** The public key PEM exactly as sent to POST installation. */
  readonly publicKeyPem: string;
  readonly installationToken: string;
  readonly serverPublicKeyPem: string;
}

/** Request as the resource layer sees it: authentication, signing and verification are ours. */
export type ContextRequest = Omit<BunqRequest, "authentication" | "signingKeyPem" | "serverPublicKeyPem"> & {
  readonly sign?: boolean;
};

export class ApiContext {
  #state: ApiContextState;
  #renewal: Promise<BunqSession> | undefined;
  #user: BunqUser | undefined;

  private constructor(
    state: ApiContextState,
    private readonly options: ApiContextOptions,
  ) {
    this.#state = state;
  }

  get principal(): Principal {
    return this.#state.principal;
  }

  /** The user id for URLs, once a session exists. */
  get userId(): number | undefined {
    return this.#state.session?.userId;
  }

  /** The user bunq returned with the latest session created by this process. */
  get sessionUser(): BunqUser | undefined {
    return this.#user;
  }

  /** Loads a stored context, or registers a new one (installation + device-server) for `secret`. */
  static async open(principal: Principal, secret: string, options: ApiContextOptions): Promise<ApiContext> {
    const stored = await options.store.load(principal);
    if (stored && stored.secret === secret && stored.deviceServerId !== undefined) {
      return new ApiContext(stored, options);
    }
    return ApiContext.#register(principal, async () => secret, options);
  }

  /**
   * Like `open`, for a principal whose secret is only known after installation — the PSD2
   * provider, whose API key is issued for a credential signed over the installation.
   */
  static async openWithSecretFrom(
    principal: Principal,
    obtainSecret: (installation: InstallationDetails) => Promise<string>,
    options: ApiContextOptions,
  ): Promise<ApiContext> {
    const stored = await options.store.load(principal);
    if (stored && stored.deviceServerId !== undefined) return new ApiContext(stored, options);
    return ApiContext.#register(principal, obtainSecret, options);
  }

  static async #register(
    principal: Principal,
    obtainSecret: (installation: InstallationDetails) => Promise<string>,
    options: ApiContextOptions,
  ): Promise<ApiContext> {
    const keys = await generateInstallationKeyPair();
    const installation = unwrapObject(
      (
        await options.transport.send({
          method: "POST",
          path: "/installation",
          body: { client_public_key: keys.publicKeyPem },
        })
      ).body,
      installationAnswer,
    );
    const details: InstallationDetails = {
      publicKeyPem: keys.publicKeyPem,
      installationToken: installation.Token.token,
      serverPublicKeyPem: installation.ServerPublicKey.server_public_key,
    };
    const secret = await obtainSecret(details);
    const device = await options.transport.send({
      method: "POST",
      path: "/device-server",
      body: { description: options.deviceDescription ?? "bunqbot", secret, permitted_ips: ["*"] },
      authentication: details.installationToken,
      serverPublicKeyPem: details.serverPublicKeyPem,
    });
    const state: ApiContextState = {
      principal,
      environment: options.environment,
      secret,
      privateKeyPem: keys.privateKeyPem,
      ...details,
      deviceServerId: unwrapObject(device.body, idAnswer).Id.id,
    };
    await options.store.save(state);
    return new ApiContext(state, options);
  }

  /** A valid session, creating or renewing one if needed (shared by concurrent callers). */
  async session(): Promise<BunqSession> {
    const current = this.#state.session;
    const margin = this.options.refreshMarginMs ?? 60_000 * (this.options.timeScale ?? 1);
    if (current && current.expiresAt.getTime() - margin > Date.now()) return current;
    return this.#renew(current);
  }

  #renew(stale: BunqSession | undefined): Promise<BunqSession> {
    this.#renewal ??= this.#createSession(stale).finally(() => {
      this.#renewal = undefined;
    });
    return this.#renewal;
  }

  async #createSession(stale: BunqSession | undefined): Promise<BunqSession> {
    // Someone else may have renewed while we queued.
    if (
      this.#state.session &&
      this.#state.session !== stale &&
      this.#state.session.expiresAt.getTime() > Date.now()
    ) {
      return this.#state.session;
    }
    const response = await this.options.transport.send({
      method: "POST",
      path: "/session-server",
      body: { secret: this.#state.secret },
      authentication: this.#state.installationToken,
      signingKeyPem: this.#state.privateKeyPem,
      serverPublicKeyPem: this.#state.serverPublicKeyPem,
    });
    const answer = unwrapObject(response.body, sessionAnswer);
    const { Id, Token, ...userFields } = answer;
    const user = normalizeUser(anyUser.parse(userFields));
    const lifetimeMs =
      (user.sessionTimeoutSeconds ?? DEFAULT_SESSION_TIMEOUT_SECONDS) * 1000 * (this.options.timeScale ?? 1);
    const session: BunqSession = {
      id: Id.id,
      token: Token.token,
      userId: user.id,
      expiresAt: new Date(Date.now() + lifetimeMs),
    };
    this.#user = user;
    this.#state = { ...this.#state, session };
    await this.options.store.save(this.#state);
    return session;
  }

  /**
   * Sends a request in this session; renews the session once if bunq says it expired. A read
   * (GET) of a connection outside `attended(…)` is first taken from the unattended-read budget;
   * when that is spent it throws UnattendedReadRefusedError and nothing is sent.
   */
  async send(request: ContextRequest): Promise<BunqResponse> {
    if (request.method === "GET" && currentAttendance() === undefined)
      await this.#takeUnattendedRead(request);
    const session = await this.session();
    try {
      return await this.#sendWith(session, request);
    } catch (error) {
      if (!(error instanceof SessionExpiredError)) throw error;
      return this.#sendWith(await this.#renew(session), request);
    }
  }

  /**
   * Only connections (a user's accounts) are limited; the provider principal reads its own
   * registration (OAuth client, callback URLs), which is no access to anyone's account. One
   * logical read is counted once, whatever retries and session renewals it takes.
   */
  async #takeUnattendedRead(request: ContextRequest): Promise<void> {
    if (!this.principal.startsWith("connection:")) return;
    const budget = this.options.unattendedReads ?? processUnattendedReads;
    if (await budget.take(this.principal, new Date())) return;
    throw new UnattendedReadRefusedError({ method: request.method, path: endpointPattern(request.path) });
  }

  #sendWith(session: BunqSession, { sign, ...request }: ContextRequest): Promise<BunqResponse> {
    return this.options.transport.send({
      ...request,
      path: request.path.replaceAll("{userId}", String(session.userId)),
      authentication: session.token,
      signingKeyPem: sign ? this.#state.privateKeyPem : undefined,
      serverPublicKeyPem: this.#state.serverPublicKeyPem,
    });
  }

  /** Ends the session at bunq (DELETE session/{id}) and forgets it. */
  async endSession(): Promise<void> {
    const session = this.#state.session;
    if (!session) return;
    await this.#sendWith(session, { method: "DELETE", path: `/session/${session.id}` });
    this.#state = { ...this.#state, session: undefined };
    await this.options.store.save(this.#state);
  }
}

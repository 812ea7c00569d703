/**
 * bunq's documented limits per IP per endpoint: GET 3, POST 5, PUT 2 within any 3 seconds;
 * POST /session-server once within 30 seconds. Windows shrink with the time scale.
 */
const RULES: Record<string, { limit: number; windowMs: number }> = {
  GET: { limit: 3, windowMs: 3_000 },
  POST: { limit: 5, windowMs: 3_000 },
  PUT: { limit: 2, windowMs: 3_000 },
  DELETE: { limit: 2, windowMs: 3_000 },
};

export class PerIpRateLimits {
  readonly #hits = new Map<string, number[]>();

  constructor(private readonly timeScale: number) {}

  /** Records the request and says whether it is within the limit. */
  allow(ip: string, method: string, endpoint: string): boolean {
    const rule =
      method === "POST" && endpoint === "/session-server"
        ? { limit: 1, windowMs: 30_000 }
        : (RULES[method] ?? RULES.GET!);
    const windowMs = rule.windowMs * this.timeScale;
    const key = `${ip} ${method} ${endpoint}`;
    const now = Date.now();
    const recent = (this.#hits.get(key) ?? []).filter((at) => at > now - windowMs);
    if (recent.length >= rule.limit) {
      this.#hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.#hits.set(key, recent);
    return true;
  }

  reset(): void {
    this.#hits.clear();
  }
}

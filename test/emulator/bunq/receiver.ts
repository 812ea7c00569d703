/** A callback receiver for the emulator's callback tests: answers with a chosen status and keeps what came in. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Callback {
  target_url: string;
  category: string;
  event_type: string;
  object: any;
}

export interface Receiver {
  readonly url: string;
  /** The bodies, as parsed JSON, in the order they arrived. */
  readonly received: any[];
  readonly headers: IncomingHttpHeaders[];
  /** The NotificationUrl objects that arrived. */
  callbacks(): Callback[];
  /** "CATEGORY EVENT_TYPE" of every callback, sorted (deliveries run in parallel). */
  kinds(): string[];
  /** The one callback of this category and event type. */
  one(category: string, eventType: string): Callback;
  close(): Promise<void>;
}

export async function receiver(status: () => number = () => 200): Promise<Receiver> {
  const received: any[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString()));
      headers.push(req.headers);
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bunq`;
  const callbacks = () => received.map((body) => body.NotificationUrl as Callback);
  return {
    url,
    received,
    headers,
    callbacks,
    kinds: () =>
      callbacks()
        .map((c) => `${c.category} ${c.event_type}`)
        .sort(),
    one(category, eventType) {
      const matching = callbacks().filter((c) => c.category === category && c.event_type === eventType);
      if (matching.length !== 1) throw new Error(`${matching.length} callbacks ${category} ${eventType}`);
      return matching[0]!;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

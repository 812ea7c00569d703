/**
 * A TCP proxy for fault tests: it sits between the app and a server (PostgreSQL) so a test can make
 * the server vanish and come back while the server itself keeps running. cut() resets every proxied
 * connection and resets new ones as soon as they are accepted, until restore(). Resets (RST, not a
 * clean close) on both sides, so each sees what a broken network or a crashed peer looks like.
 */
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

export interface TcpProxy {
  /** Where the app should connect instead of the target. */
  readonly host: string;
  readonly port: number;
  /** Client connections being forwarded now. */
  readonly connections: number;
  /** Resets all current connections and every new one until restore(). */
  cut(): void;
  restore(): void;
  /** Resets all connections and stops listening. */
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let isCut = false;
  const links = new Set<{ client: Socket; upstream: Socket }>();

  const server = createServer((client) => {
    if (isCut) {
      client.on("error", () => undefined);
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const link = { client, upstream };
    links.add(link);
    // A reset on one side becomes a reset on the other; clean ends travel through pipe().
    client.on("error", () => upstream.resetAndDestroy());
    upstream.on("error", () => client.resetAndDestroy());
    client.on("close", () => {
      links.delete(link);
      upstream.destroy();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });

  function resetAll(): void {
    for (const { client, upstream } of links) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    links.clear();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    host: address,
    port,
    get connections() {
      return links.size;
    },
    cut() {
      isCut = true;
      resetAll();
    },
    restore() {
      isCut = false;
    },
    close() {
      isCut = true;
      resetAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

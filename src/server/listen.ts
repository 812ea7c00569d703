/** Starts the HTTP server and stops it gracefully: no new connections, in-flight requests finish. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";

export interface Listening {
  /** http://host:port actually bound (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(app: Express, host: string, port: number): Promise<Listening> {
  const server = await new Promise<Server>((resolve, reject) => {
    const started = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(started)));
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

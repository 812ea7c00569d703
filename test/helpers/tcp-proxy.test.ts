import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

/** An echo server that counts the connections it was given. */
let echo: Server;
let echoSockets: Set<Socket>;
let accepted: number;
let proxy: TcpProxy;

beforeEach(async () => {
  accepted = 0;
  echoSockets = new Set();
  echo = createServer((socket) => {
    accepted++;
    echoSockets.add(socket);
    socket.on("close", () => echoSockets.delete(socket));
    socket.on("error", () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  proxy = await startTcpProxy({ host: "127.0.0.1", port: (echo.address() as AddressInfo).port });
});
afterEach(async () => {
  await proxy.close();
  for (const socket of echoSockets) socket.destroy();
  await new Promise((resolve) => echo.close(resolve));
});

/** Connects to the proxy; `ended` settles with how the connection ended. */
async function open() {
  const socket: Socket = connect(proxy.port, proxy.host);
  const ended = new Promise<string>((resolve) => {
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on("close", () => resolve("closed"));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, ended };
}

/** How a connection attempt ends when the proxy does not forward it: an error code, or "closed". */
function attempt(): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(proxy.port, proxy.host);
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on("close", () => resolve("closed"));
  });
}

function echoOf(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once("data", (data: Buffer) => resolve(data.toString()));
    socket.write(text);
  });
}

async function until(condition: () => boolean) {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
}

describe("tcp proxy", () => {
  it("forwards both ways and counts open connections", async () => {
    const a = await open();
    const b = await open();
    expect(await echoOf(a.socket, "ping")).toBe("ping");
    expect(await echoOf(b.socket, "pong")).toBe("pong");
    expect(proxy.connections).toBe(2);
    a.socket.end();
    expect(await a.ended).toBe("closed");
    expect(await until(() => proxy.connections === 1)).toBe(true);
    b.socket.destroy();
  });

  it("cut() resets current connections and every new one until restore()", async () => {
    const live = await open();
    expect(await echoOf(live.socket, "before")).toBe("before");
    proxy.cut();
    expect(await live.ended).toBe("ECONNRESET");
    expect(proxy.connections).toBe(0);

    expect(await attempt()).toBe("ECONNRESET");
    expect(accepted).toBe(1);

    proxy.restore();
    const after = await open();
    expect(await echoOf(after.socket, "after")).toBe("after");
    expect(accepted).toBe(2);
    after.socket.destroy();
  });

  it("resets the client when the target refuses, and refuses connections once closed", async () => {
    echo.close();
    expect(await attempt()).toBe("ECONNRESET");
    expect(await until(() => proxy.connections === 0)).toBe(true);

    await proxy.close();
    expect(await attempt()).toBe("ECONNREFUSED");
  });
});

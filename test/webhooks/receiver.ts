/** A webhook receiver on loopback for the POST tests: records what reached it and on which socket. */
import { readFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface Receiver {
  host: string;
  port: number;
  requests: Received[];
  /** Sockets accepted, in order (a reused connection adds none). */
  connections: Socket[];
  /** SNI names the TLS clients sent (https receivers only). */
  servernames: Array<string | false | null>;
  close(): Promise<void>;
}

export type Handler = (request: Received, response: ServerResponse) => void;

const fixtures = new URL("./fixtures/", import.meta.url);
export const testCa = readFileSync(new URL("ca.pem", fixtures), "utf8");

/** Starts a receiver on `host` (127.0.0.1 unless told), on `port` or a free one. */
export async function startReceiver(
  handler: Handler,
  options: { host?: string; port?: number; tls?: boolean } = {},
): Promise<Receiver> {
  const requests: Received[] = [];
  const connections: Socket[] = [];
  const servernames: Array<string | false | null> = [];
  const listener = (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const request: Received = {
        method: incoming.method ?? "",
        url: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      handler(request, response);
    });
  };
  const server = options.tls
    ? createHttpsServer(
        {
          key: readFileSync(new URL("hooks.test.key", fixtures)),
          cert: readFileSync(new URL("hooks.test.pem", fixtures)),
        },
        listener,
      )
    : createHttpServer(listener);
  server.on("connection", (socket: Socket) => connections.push(socket));
  server.on("secureConnection", (socket: TLSSocket) => servernames.push(socket.servername));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  return {
    host,
    port: (server.address() as AddressInfo).port,
    requests,
    connections,
    servernames,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once `socket` has closed (at once if it already has); no socket is a failure. */
export function closed(socket: Socket | undefined): Promise<void> {
  if (socket === undefined) {
    return Promise.reject(new Error("the receiver accepted no connection"));
  }
  return socket.destroyed
    ? Promise.resolve()
    : new Promise((resolve) => socket.once("close", () => resolve()));
}

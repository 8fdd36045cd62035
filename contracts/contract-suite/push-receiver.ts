/** Tiny loopback receiver standing in for the gateway's callback endpoint. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { IncomingCallback } from "../carrier-adapter.ts";

export interface PushReceiver {
  url: string;
  received: IncomingCallback[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<PushReceiver> {
  const received: IncomingCallback[] = [];
  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    }
    return Buffer.concat(chunks).toString("utf8");
  };
  const server: Server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) {
            headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
        }
        received.push({
          url: `http://127.0.0.1${req.url ?? "/"}`,
          headers,
          body,
          receivedAt: new Date(),
        });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      },
      () => {
        res.writeHead(400).end();
      },
    );
  });
  await new Promise<void>((resolve) => {
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

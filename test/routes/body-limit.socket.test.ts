/**
 * The body limit over a real socket, where @hono/node-server and Node's HTTP parser sit in front
 * of the app: a declared length is decided from the header, a chunked body by counting it, and
 * a request declaring both is refused by Node's parser before the app sees it.
 */
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, type TestGateway } from "../harness.ts";

let gateway: TestGateway;
let server: ReturnType<typeof serve>;
let port: number;

beforeAll(async () => {
  const carrier = new FakeCarrier();
  carrier.states.set("SF1400000000001", "in_transit");
  gateway = await createTestGateway(carrier.adapter);
  server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await gateway.close();
});

/** Sends raw bytes and returns the status line and body of the answer. */
function exchange(head: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString();
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]);
      resolve({ status, text: received.slice(received.indexOf("\r\n\r\n") + 4) });
    });
    // Not ended from this side: the server closes after its answer (Connection: close).
    socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`);
  });
}

const headers = () =>
  [
    "POST /v1/interceptions HTTP/1.1",
    "Host: 127.0.0.1",
    `Authorization: Bearer ${gateway.merchantA.apiKey}`,
    "Content-Type: application/json",
    "Idempotency-Key: socket-1",
  ].join("\r\n");

describe("the body limit over a socket", () => {
  it("answers 413 from a declared Content-Length over the limit", async () => {
    const huge = JSON.stringify(interceptBody({ note: "x".repeat(70 * 1024) }));
    const answer = await exchange(`${headers()}\r\nContent-Length: ${huge.length}`, huge);
    expect(answer.status, answer.text).toBe(413);
    expect(answer.text).toContain("payload_too_large");
  });

  it("answers 413 to a chunked body once it passes the limit", async () => {
    const chunk = "x".repeat(1024);
    const chunks = Array.from({ length: 70 }, () => `400\r\n${chunk}\r\n`).join("");
    const answer = await exchange(
      `${headers()}\r\nTransfer-Encoding: chunked`,
      `${chunks}0\r\n\r\n`,
    );
    expect(answer.status, answer.text).toBe(413);
  });

  it("refuses conflicting Content-Length and Transfer-Encoding before the app, storing nothing", async () => {
    const chunk = "x".repeat(1024);
    const chunks = Array.from({ length: 70 }, () => `400\r\n${chunk}\r\n`).join("");
    // A small declared length in front of a large chunked body: the classic smuggling shape.
    const answer = await exchange(
      `${headers().replace("socket-1", "socket-conflict")}\r\nContent-Length: 10\r\nTransfer-Encoding: chunked`,
      `${chunks}0\r\n\r\n`,
    );
    // Node's HTTP parser rejects the pair itself (400) before any middleware runs.
    expect(answer.status, answer.text).toBe(400);
    const stored = await gateway.store.interceptions.list(gateway.merchantA.id, {}, { limit: 10 });
    expect(stored).toEqual([]);
  });

  it("reads a body of declared length under the limit", async () => {
    const body = JSON.stringify(interceptBody());
    const answer = await exchange(`${headers()}\r\nContent-Length: ${body.length}`, body);
    expect(answer.status, answer.text).toBe(201);
    expect(JSON.parse(answer.text)).toMatchObject({ trackingNumber: "SF1400000000001" });
  });
});

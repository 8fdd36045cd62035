/** A webhook receiver for the bench, on 127.0.0.1: notes when each event first arrived. */
import { createServer, type Server } from "node:http";
import { freePort } from "../../test/integration/loopback.ts";
import { type Summary, summarize } from "./load.ts";

export interface ReceiverView {
  /** `interception.submitted` events received (one per accepted intercept). */
  submitted: number;
  /** Every delivery received, repeats included. */
  received: number;
  /** Lag of the first delivery of each event, ms. */
  lag: Summary;
}

/** A webhook receiver on 127.0.0.1: notes each event's arrival; answers after `delayMs`. */
export class Receiver {
  private readonly firstSeen = new Map<string, number>();
  received = 0;
  submitted = 0;
  private readonly server: Server;
  private readonly lags: number[] = [];

  constructor(private readonly delayMs: number) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const arrived = Date.now();
        this.received += 1;
        const id = String(req.headers["webhook-id"] ?? "");
        if (!this.firstSeen.has(id)) {
          this.firstSeen.set(id, arrived);
          const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
            type: string;
            createdAt: string;
          };
          this.lags.push(arrived - Date.parse(event.createdAt));
          if (event.type === "interception.submitted") {
            this.submitted += 1;
          }
        }
        setTimeout(() => res.writeHead(204).end(), this.delayMs);
      });
    });
  }

  async listen(): Promise<string> {
    const port = await freePort();
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    return `http://127.0.0.1:${port}/hooks`;
  }

  view(): ReceiverView {
    return {
      submitted: this.submitted,
      received: this.received,
      lag: summarize(Float64Array.from(this.lags).sort()),
    };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

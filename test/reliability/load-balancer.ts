/**
 * The smallest load balancer that behaves like one in front of several gateways: a TCP proxy on
 * loopback that hands each new connection to the next backend in turn, and to the one after it
 * when a backend refuses the connection (stopped, restarting). A connection cut mid-request by a
 * dying backend is cut for the client too, as behind a real balancer.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface LoadBalancer {
  url: string;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port; `backends()` is read for every connection. */
export async function startLoadBalancer(backends: () => number[]): Promise<LoadBalancer> {
  let turn = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

  const forward = (client: Socket, ports: number[], tries: number): void => {
    const port = ports[(turn + tries) % ports.length];
    if (port === undefined || tries >= ports.length || client.destroyed) {
      client.destroy();
      return;
    }
    const backend = connect({ host: "127.0.0.1", port });
    track(backend);
    let connected = false;
    backend.once("error", () => {
      if (connected) {
        client.destroy();
      } else {
        forward(client, ports, tries + 1);
      }
    });
    backend.once("connect", () => {
      connected = true;
      if (client.destroyed) {
        backend.destroy();
        return;
      }
      client.pipe(backend);
      backend.pipe(client);
      client.resume();
      client.once("close", () => backend.destroy());
      backend.once("close", () => client.destroy());
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    // A client that goes away is cut at the backend too (its "close"); nothing to report.
    client.on("error", () => {});
    turn += 1;
    forward(client, backends(), 0);
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

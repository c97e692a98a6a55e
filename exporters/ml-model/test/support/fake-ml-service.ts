// A stand-in for the ML service on 127.0.0.1 (ephemeral port) whose answer each test scripts: a valid
// snapshot, an error status, broken JSON, a slow or silent server, or a dropped connection.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type Behaviour =
  | { kind: "json"; body: unknown; delayMs?: number }
  | { kind: "raw"; body: string; status?: number }
  | { kind: "status"; status: number }
  /** Accepts the request and never answers (until the service stops). */
  | { kind: "hang" }
  /** Closes the connection without an answer. */
  | { kind: "reset" };

export class FakeMlService {
  behaviour: Behaviour = { kind: "status", status: 503 };
  /** Requests received, and the most that were being answered at once. */
  requests = 0;
  /** The Authorization header of the last request (credentials from the endpoint's user-info). */
  lastAuthorization?: string;
  maxConcurrent = 0;
  private concurrent = 0;
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly timers = new Set<NodeJS.Timeout>();

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests++;
    this.lastAuthorization = req.headers.authorization;
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    res.on("close", () => this.concurrent--);
    if (req.url !== "/v1/monitoring/snapshot") {
      res.writeHead(404).end();
      return;
    }
    const b = this.behaviour;
    switch (b.kind) {
      case "json": {
        const send = () => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(b.body));
        };
        if (!b.delayMs) return send();
        const t = setTimeout(() => {
          this.timers.delete(t);
          send();
        }, b.delayMs);
        this.timers.add(t);
        return;
      }
      case "raw":
        res.writeHead(b.status ?? 200, { "content-type": "application/json" });
        res.end(b.body);
        return;
      case "status":
        res.writeHead(b.status, { "content-type": "text/plain" });
        res.end(`status ${b.status}\n`);
        return;
      case "hang":
        return;
      case "reset":
        req.socket.destroy();
        return;
    }
  }
}

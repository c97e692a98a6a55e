// The HTTP side: /metrics, the probes and a landing page, plus a graceful stop used on SIGTERM.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "./config";
import { MlExporter } from "./exporter";
import type { Logger } from "./log";

export interface RunningExporter {
  exporter: MlExporter;
  server: http.Server;
  /** The port actually bound (differs from the configured one when that is 0). */
  port: number;
  /** Stops accepting scrapes, lets those in progress finish for up to `graceMs`, then closes. */
  stop(graceMs?: number): Promise<void>;
}

function landingPage(exporter: MlExporter, version: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>NovaCron ML model exporter</title></head>
<body>
<h1>NovaCron ML model exporter</h1>
<p>Version ${version}. Exposes ML pipeline metrics read from <code>${escapeHtml(exporter.snapshotUrl)}</code>.</p>
<ul>
<li><a href="metrics">/metrics</a> &mdash; Prometheus metrics</li>
<li><a href="healthz">/healthz</a> &mdash; liveness</li>
<li><a href="readyz">/readyz</a> &mdash; readiness</li>
</ul>
</body>
</html>
`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startExporter(config: Config, log: Logger, version: string): Promise<RunningExporter> {
  const exporter = new MlExporter(config, log, version);
  const landing = landingPage(exporter, version);
  let stopping = false;

  // While draining, ask clients to close their keep-alive connections so the server can finish.
  const headers = (contentType: string, length: number): http.OutgoingHttpHeaders => ({
    "content-type": contentType,
    "content-length": length,
    ...(stopping ? { connection: "close" } : {}),
  });

  const send = (res: http.ServerResponse, status: number, contentType: string, body: string) => {
    res.writeHead(status, headers(contentType, Buffer.byteLength(body)));
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    switch (path) {
      case "/metrics":
        return void serveMetrics(res);
      case "/healthz":
        // Liveness: the process answers. The ML service's health is in the metrics, not here, so a
        // failing ML service does not get the exporter restarted.
        return send(res, 200, "text/plain; charset=utf-8", "ok\n");
      case "/readyz":
        // Ready to be scraped until shutdown starts; not ready while draining.
        return stopping ? send(res, 503, "text/plain; charset=utf-8", "shutting down\n") : send(res, 200, "text/plain; charset=utf-8", "ready\n");
      case "/":
        return send(res, 200, "text/html; charset=utf-8", landing);
      default:
        return send(res, 404, "text/plain; charset=utf-8", "not found\n");
    }
  });

  async function serveMetrics(res: http.ServerResponse): Promise<void> {
    try {
      const chunks = await exporter.scrape();
      res.writeHead(200, headers(exporter.contentType, chunks.reduce((n, c) => n + c.length, 0)));
      for (const chunk of chunks.slice(0, -1)) res.write(chunk);
      res.end(chunks.at(-1));
    } catch (err) {
      // Not expected (refresh failures are data, not exceptions); answer rather than crash.
      log.error("scrape failed", { error: (err as Error).stack });
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  async function stop(graceMs = 10_000): Promise<void> {
    if (stopping) return;
    stopping = true;
    exporter.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
  }

  return { exporter, server, port, stop };
}

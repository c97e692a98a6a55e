// Starts the exporter in-process on 127.0.0.1 (ephemeral port) against a given ML endpoint.
import type { Config } from "../../src/config";
import { silentLogger } from "../../src/log";
import { type RunningExporter, startExporter } from "../../src/server";
import { parseExposition, type Sample } from "./exposition";

export function testConfig(mlModelEndpoint: string, overrides: Partial<Config> = {}): Config {
  return {
    mlModelEndpoint: new URL(mlModelEndpoint),
    host: "127.0.0.1",
    port: 0,
    scrapeIntervalMs: 0,
    scrapeTimeoutMs: 1_000,
    maxSeries: 50_000,
    maxResponseBytes: 1024 * 1024,
    logLevel: "error",
    ...overrides,
  };
}

export class TestExporter {
  private constructor(readonly running: RunningExporter) {}

  static async start(mlModelEndpoint: string, overrides: Partial<Config> = {}): Promise<TestExporter> {
    return new TestExporter(await startExporter(testConfig(mlModelEndpoint, overrides), silentLogger, "test"));
  }

  get url(): string {
    return `http://127.0.0.1:${this.running.port}`;
  }

  async scrape(): Promise<{ status: number; contentType: string | null; text: string; samples: Sample[] }> {
    const res = await fetch(`${this.url}/metrics`);
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get("content-type"), text, samples: parseExposition(text) };
  }

  stop(): Promise<void> {
    return this.running.stop(1_000);
  }
}

/** A loopback URL where nothing listens: bind an ephemeral port, then free it. */
export async function closedPortUrl(): Promise<string> {
  const net = await import("node:net");
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

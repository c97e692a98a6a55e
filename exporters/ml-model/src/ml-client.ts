// Fetches one snapshot from the ML service and validates it against the contract. Every way this can
// go wrong becomes a FetchError with a fixed `reason`, which is the label value of
// ml_exporter_scrape_errors_total: callers never see a raw exception from the network or the parser.
import * as http from "node:http";
import * as https from "node:https";
import type { ZodError } from "zod";
import { MonitoringSnapshot, SNAPSHOT_PATH } from "./contract";

export const FETCH_ERROR_REASONS = ["connection", "timeout", "http_status", "too_large", "invalid_json", "schema"] as const;
export type FetchErrorReason = (typeof FETCH_ERROR_REASONS)[number];

export class FetchError extends Error {
  constructor(
    readonly reason: FetchErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "FetchError";
  }
}

export interface MlClientOptions {
  endpoint: URL;
  timeoutMs: number;
  maxResponseBytes: number;
}

export class MlClient {
  readonly snapshotUrl: URL;

  constructor(private readonly options: MlClientOptions) {
    // Resolve relative to the endpoint's path, so http://host/ml-api/ serves /ml-api/v1/…
    const base = new URL(options.endpoint);
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.snapshotUrl = new URL(SNAPSHOT_PATH.slice(1), base);
  }

  /** Fetches and validates a snapshot; `signal` lets shutdown abandon a fetch in flight. */
  async fetchSnapshot(signal?: AbortSignal): Promise<MonitoringSnapshot> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let body: string;
    try {
      body = await this.get(combined);
    } catch (err) {
      if (err instanceof FetchError) throw err;
      if (timeout.aborted) throw new FetchError("timeout", `no complete response within ${this.options.timeoutMs} ms`);
      throw new FetchError("connection", describeNetworkError(err));
    }

    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      throw new FetchError("invalid_json", `response is not JSON: ${(err as Error).message}`);
    }

    const parsed = MonitoringSnapshot.safeParse(json);
    if (!parsed.success) throw new FetchError("schema", `response does not match the contract: ${summarize(parsed.error)}`);
    return parsed.data;
  }

  /**
   * GETs the snapshot and reads the body, refusing bodies over the size limit without buffering them.
   * node:http rather than fetch(): loading undici for one request per interval costs ~10 MB of RSS.
   * A fresh connection each time (no keep-alive) avoids reusing a socket the server is closing.
   */
  private get(signal: AbortSignal): Promise<string> {
    const url = this.snapshotUrl;
    const limit = this.options.maxResponseBytes;
    const client = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.get(url, { signal, agent: false, headers: { accept: "application/json" } }, (res) => {
        const fail = (err: Error) => {
          req.destroy();
          reject(err);
        };
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) return fail(new FetchError("http_status", `HTTP ${status} from ${url.href}`));
        const declared = Number(res.headers["content-length"]);
        if (declared > limit) return fail(new FetchError("too_large", `response of ${declared} bytes exceeds the limit of ${limit}`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) return fail(new FetchError("too_large", `response exceeds the limit of ${limit} bytes`));
          chunks.push(chunk);
        });
        res.on("end", () => resolve(Buffer.concat(chunks, size).toString("utf8")));
        // The connection dropped mid-body, or the timeout aborted the request.
        res.on("error", reject);
        res.on("close", () => {
          if (!res.complete) reject(new Error("connection closed before the response was complete"));
        });
      });
      req.on("error", reject);
    });
  }
}

/** Socket errors carry the useful part (ECONNREFUSED, ENOTFOUND…) in `code`. */
function describeNetworkError(err: unknown): string {
  const code = (err as { code?: string })?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The first few issues with their JSON paths: enough to find the bad field in a large response. */
function summarize(error: ZodError): string {
  const shown = error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  const more = error.issues.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

// Fetches one snapshot from the ML service and validates it against the contract. Every way this can
// go wrong becomes a FetchError with a fixed `reason`, which is the label value of
// ml_exporter_scrape_errors_total: callers never see a raw exception from the network or the parser.
import * as http from "node:http";
import * as https from "node:https";
import { SNAPSHOT_PATH } from "./contract";
import { JsonSyntaxError } from "./json-reader";
import { redactUrl } from "./redact";
import { decodeSnapshot, type ScoredSnapshot, SnapshotSchemaError } from "./snapshot-decoder";

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
  async fetchSnapshot(signal?: AbortSignal): Promise<ScoredSnapshot> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let body: Buffer;
    try {
      body = await this.get(combined);
    } catch (err) {
      if (err instanceof FetchError) throw err;
      if (timeout.aborted) throw new FetchError("timeout", `no complete response within ${this.options.timeoutMs} ms`);
      throw new FetchError("connection", describeNetworkError(err));
    }

    try {
      return decodeSnapshot(body);
    } catch (err) {
      if (err instanceof JsonSyntaxError) throw new FetchError("invalid_json", `response is not JSON: ${err.message}`);
      if (err instanceof SnapshotSchemaError) throw new FetchError("schema", `response does not match the contract: ${err.message}`);
      throw err;
    }
  }

  /**
   * GETs the snapshot and reads the body, refusing bodies over the size limit without buffering them.
   * node:http rather than fetch(): loading undici for one request per interval costs ~10 MB of RSS.
   * A fresh connection each time (no keep-alive) avoids reusing a socket the server is closing.
   */
  private get(signal: AbortSignal): Promise<Buffer> {
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
        if (status < 200 || status > 299) return fail(new FetchError("http_status", `HTTP ${status} from ${redactUrl(url)}`));
        const declared = Number(res.headers["content-length"]);
        if (declared > limit) return fail(new FetchError("too_large", `response of ${declared} bytes exceeds the limit of ${limit}`));
        // One buffer, sized from Content-Length when declared and grown by doubling otherwise: the body
        // is held once, never as chunks plus their concatenation plus a string.
        let body = Buffer.allocUnsafe(declared >= 0 ? declared : 64 * 1024);
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          if (size + chunk.length > limit) return fail(new FetchError("too_large", `response exceeds the limit of ${limit} bytes`));
          if (size + chunk.length > body.length) {
            const grown = Buffer.allocUnsafe(Math.min(limit, Math.max(size + chunk.length, body.length * 2)));
            body.copy(grown, 0, 0, size);
            body = grown;
          }
          size += chunk.copy(body, size);
        });
        res.on("end", () => resolve(body.subarray(0, size)));
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

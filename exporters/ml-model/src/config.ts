// Configuration comes from the environment only (12-factor; the Kubernetes component sets it). It is
// validated once at start so a typo fails the pod immediately with a message naming the variable,
// instead of surfacing later as a confusing scrape error.
import { z } from "zod";
import { redactUrl } from "./redact";
import { containerMemoryLimit, DEFAULT_MAX_RESPONSE_BYTES, maxResponseBytesFor, peakRssFor } from "./memory-budget";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** Base URL of the ML service; the exporter appends the contract's paths to it. */
  mlModelEndpoint: URL;
  /** Address and port the exporter listens on (port 0 picks a free one; tests use it). */
  host: string;
  port: number;
  /** The ML data served is never older than this; 0 fetches on every scrape. */
  scrapeIntervalMs: number;
  /** Upper bound for one fetch from the ML service; keep it under Prometheus' scrape_timeout. */
  scrapeTimeoutMs: number;
  /** Most ML series exported; whole models beyond it are dropped (and counted). */
  maxSeries: number;
  /** Responses larger than this are rejected rather than buffered; derived from the memory limit. */
  maxResponseBytes: number;
  /** The container's memory limit the cap was derived from, if one is known. */
  memoryLimitBytes?: number;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** A plain decimal number in an env var, e.g. "30" or "2.5"; rejects "30s", "1e3", "". */
const decimal = (what: string) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, `must be ${what}`)
    .transform(Number);

const integer = (what: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be ${what}`)
    .transform(Number);

const EnvSchema = z.object({
  ML_MODEL_ENDPOINT: z
    .string()
    .default("http://ml-service:8000")
    .pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://ml-service:8000" })),
  EXPORT_HOST: z.string().min(1).default("0.0.0.0"),
  EXPORT_PORT: integer("a TCP port number (0-65535)")
    .default(9200)
    .pipe(z.number().max(65535, "must be a TCP port number (0-65535)")),
  SCRAPE_INTERVAL: decimal("a number of seconds, e.g. 30 (0 disables the cache)")
    .default(30)
    .pipe(z.number().max(86_400, "must be at most 86400 seconds")),
  SCRAPE_TIMEOUT: decimal("a number of seconds, e.g. 5")
    .default(5)
    .pipe(z.number().positive("must be more than 0 seconds").max(300, "must be at most 300 seconds")),
  MAX_SERIES: integer("a whole number of series, e.g. 50000")
    .default(50_000)
    .pipe(z.number().min(1, "must be at least 1")),
  ML_MODEL_MAX_RESPONSE_BYTES: integer("a whole number of bytes")
    .pipe(z.number().min(1024, "must be at least 1024 bytes"))
    .optional(),
  MEMORY_LIMIT_BYTES: integer("a whole number of bytes").optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
});

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;

/**
 * Reads and validates the configuration; throws ConfigError listing every bad variable at once.
 * `memoryLimit` is the container's (its cgroup's) unless MEMORY_LIMIT_BYTES says otherwise.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, memoryLimit = containerMemoryLimit()): Config {
  // An empty variable (`FOO=`) means "not set", as it usually does in manifests and shells.
  const present = Object.fromEntries(
    Object.keys(EnvSchema.shape).flatMap((key) => (env[key] ? [[key, env[key]]] : [])),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        // The endpoint may carry credentials (user-info, a token in the query): never echo them.
        const got = key === "ML_MODEL_ENDPOINT" ? redactUrl(present[key] as string) : present[key];
        return `${key}: ${issue.message} (got ${JSON.stringify(got)})`;
      }),
    );
  }
  const e = parsed.data;
  const limit = e.MEMORY_LIMIT_BYTES ?? memoryLimit;
  // Without a known limit the default cap applies; with one, the cap is the largest body that fits it.
  const fits = limit === undefined ? DEFAULT_MAX_RESPONSE_BYTES : maxResponseBytesFor(limit);
  const maxResponseBytes = e.ML_MODEL_MAX_RESPONSE_BYTES ?? fits;
  const problems: string[] = [];
  if (limit !== undefined && fits < 1024) {
    problems.push(`MEMORY_LIMIT_BYTES: the memory limit of ${mib(limit)} leaves no room for a response; the idle exporter alone needs about ${mib(peakRssFor(0))}`);
  } else if (limit !== undefined && maxResponseBytes > fits) {
    problems.push(
      `ML_MODEL_MAX_RESPONSE_BYTES: a ${mib(maxResponseBytes)} response needs up to ${mib(peakRssFor(maxResponseBytes))} of memory, ` +
        `over the memory limit of ${mib(limit)}; at most ${fits} fits (got "${e.ML_MODEL_MAX_RESPONSE_BYTES}")`,
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    mlModelEndpoint: new URL(e.ML_MODEL_ENDPOINT),
    host: e.EXPORT_HOST,
    port: e.EXPORT_PORT,
    scrapeIntervalMs: e.SCRAPE_INTERVAL * 1000,
    scrapeTimeoutMs: e.SCRAPE_TIMEOUT * 1000,
    maxSeries: e.MAX_SERIES,
    maxResponseBytes,
    memoryLimitBytes: limit,
    logLevel: e.LOG_LEVEL,
  };
}

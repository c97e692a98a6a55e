// Entry point: validate the configuration, serve, and stop cleanly on SIGTERM (Kubernetes) or SIGINT.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError, loadConfig } from "./config";
import { createLogger } from "./log";
import { startExporter } from "./server";

const SHUTDOWN_GRACE_MS = 10_000;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`ml-model-exporter: ${err.message}\n`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  const version = packageVersion();
  const running = await startExporter(config, log, version);
  log.info("listening", {
    address: `${config.host}:${running.port}`,
    mlModelEndpoint: running.exporter.snapshotUrl,
    scrapeIntervalSeconds: config.scrapeIntervalMs / 1000,
    scrapeTimeoutSeconds: config.scrapeTimeoutMs / 1000,
    maxSeries: config.maxSeries,
    maxResponseBytes: config.maxResponseBytes,
    memoryLimitBytes: config.memoryLimitBytes ?? null,
    version,
  });

  const shutdown = (signal: NodeJS.Signals) => {
    log.info("shutting down", { signal });
    running.stop(SHUTDOWN_GRACE_MS).then(
      () => process.exit(0),
      (err) => {
        log.error("shutdown failed", { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

main().catch((err) => {
  process.stderr.write(`ml-model-exporter: fatal: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

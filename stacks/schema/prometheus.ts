// `prometheus`: replicas, retention, scraping and long-term storage.
import { z } from "zod";
import { maxScrapeIntervalSeconds, rateWindows, SAMPLES_PER_RATE_WINDOW } from "../../components/alerts/rules/selectors";
import { AMP_REMOTE_WRITE_NAME } from "../../components/cloud/aws/render-resources";
import { AZURE_REMOTE_WRITE_NAME } from "../../components/cloud/azure/render-resources";
import { durationSeconds, formatDuration, parseBytes, parseDuration, PROMETHEUS_BYTES } from "../../components/units";
import { MAX_PROMETHEUS_SHARDS } from "../../components/prometheus/contract";
import { count, DNS_LABEL, duration, listOf, plainUrl, repeats, resourcesSchema, storageSize, withCrossChecks } from "./primitives";

/** The clouds' own remote_write queues: Prometheus refuses two queues of one name. */
const cloudQueues: Record<string, string> = { [AMP_REMOTE_WRITE_NAME]: "clouds.aws", [AZURE_REMOTE_WRITE_NAME]: "clouds.azure" };

const remoteWriteSchema = z.strictObject({
  name: z.string().regex(DNS_LABEL, "must be a short lowercase name").describe("Name of the remote_write queue (its metrics' `remote_name`)."),
  url: plainUrl(["http", "https"], "sign with sigv4 (the pod's role) for Amazon Managed Service for Prometheus, or enable clouds.azure / clouds.aws, whose remote_write uses workload identity")
    .describe("The remote_write endpoint (no credentials in it: it is written into prometheus.yml)."),
  sigv4: z.strictObject({ region: z.string().min(1), roleArn: z.string().startsWith("arn:").optional() }).optional()
    .describe("AWS SigV4 signing (Amazon Managed Service for Prometheus); credentials come from the pod's role."),
});
export type RemoteWrite = z.infer<typeof remoteWriteSchema>;

const maxScrapeInterval = formatDuration(maxScrapeIntervalSeconds);
const shortestWindow = Object.values(rateWindows).reduce((a, b) => (durationSeconds(a) <= durationSeconds(b) ? a : b));

export const prometheusSchema = withCrossChecks(
  z.strictObject({
    replicas: count(5).describe("Replicas of each shard; each scrapes everything its shard scrapes (an HA pair in prod; prod needs at least 2)."),
    shards: count(MAX_PROMETHEUS_SHARDS).describe(
      "Scrape shards: each is a Prometheus StatefulSet of `replicas` that scrapes only the targets whose address hashes to it (hashmod); " +
      "the stack's own and the control plane's jobs stay whole on shard 0. Raise it above 1 only when one Prometheus no longer copes after dropping series: " +
      "its memory (active series × bytes per series) nears half the largest node's, a restart's WAL replay takes too long, or scrapes fall behind the interval " +
      "(docs/long-term-storage-and-sizing.md). Needs thanos.enabled: only Thanos Query shows Grafana every shard.",
    ),
    retentionTime: duration("retentionTime", "2h", "730d").describe("Prometheus duration, 2h to 730d."),
    retentionSize: z.string().regex(PROMETHEUS_BYTES, "must be a Prometheus size such as 50GB").describe("Prometheus size such as 50GB; at most 85% of storageSize."),
    storageSize: storageSize.describe("Volume per replica, e.g. 80Gi."),
    // The alert rules' rate windows need enough samples; a longer interval would leave them blind.
    scrapeInterval: duration("scrapeInterval", "5s", maxScrapeInterval, undefined, `the alert rules' shortest rate window (${shortestWindow}) needs ${SAMPLES_PER_RATE_WINDOW} samples`)
      .describe(`Prometheus duration, 5s to ${maxScrapeInterval} (the alert rules' rate windows need ${SAMPLES_PER_RATE_WINDOW} samples).`),
    scrapeTimeout: duration("scrapeTimeout", "1s", "5m").describe("Prometheus duration, at most scrapeInterval."),
    evaluationInterval: duration("evaluationInterval", "5s", "5m").describe("Prometheus duration, 5s to 5m."),
    resources: resourcesSchema,
    remoteWrite: listOf(remoteWriteSchema, 10, "remote_write endpoints")
      .superRefine((queues, ctx) => {
        const names = queues.map((queue) => queue?.name);
        for (const i of repeats(names)) ctx.addIssue({ code: "custom", path: [i, "name"], message: "duplicates another remote_write queue's name; Prometheus needs them unique" });
        names.forEach((name, i) => typeof name === "string" && Object.hasOwn(cloudQueues, name) && ctx.addIssue({ code: "custom", path: [i, "name"], message: `is the name of ${cloudQueues[name]}'s own remote_write queue; choose another` }));
      }, { when: (payload) => Array.isArray(payload.value) }) // every duplicate is reported, even beside other problems
      .describe("Long-term storage endpoints; `sigv4` signs for Amazon Managed Service for Prometheus."),
    kubeletInsecureSkipVerify: z.boolean().describe("Skip verifying kubelet serving certificates (self-signed unless serverTLSBootstrap is on; see the README)."),
  }),
  {
    reads: ["retentionSize", "storageSize"],
    check: (prom, report) => {
      if (parseBytes(prom.retentionSize)! > 0.85 * parseBytes(prom.storageSize)!) {
        report(["retentionSize"], `(${prom.retentionSize}) must be at most 85% of prometheus.storageSize (${prom.storageSize}) to leave room for the WAL and compaction`);
      }
    },
  },
  {
    // The interval is compared even when refused for its range: a timeout above it is wrong either way.
    reads: ["scrapeTimeout"],
    check: (prom, report) => {
      const interval = parseDuration(String(prom.scrapeInterval));
      if (interval !== undefined && parseDuration(prom.scrapeTimeout)! > interval) {
        report(["scrapeTimeout"], `(${prom.scrapeTimeout}) must not exceed prometheus.scrapeInterval (${prom.scrapeInterval})`);
      }
    },
  },
);

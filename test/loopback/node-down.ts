// The NodeDown scenario on a loopback stack: node_exporter stops, the firing notification must arrive
// within the bound read from the rendered configuration, and (when asked) the resolved one once it is
// back. Shared by test/e2e/node-down.test.ts and bench/node-down.ts.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { nodeExporterContract } from "../../components/node-exporter/contract";
import { E2E_NODE_NAME } from "./config";
import { now, stopProcess } from "./processes";
import { effectiveRoute, findAlertRule, durationMs, scrapeIntervalMs } from "./rendered-timings";
import { LoopbackStack, waitForJobUp } from "./stack";
import { ReceivedNotification } from "./webhook-receiver";

export const NODE_DOWN_LABELS = { alertname: "NodeDown", severity: "critical", instance: E2E_NODE_NAME } as const;

/**
 * The time within which a NodeDown notification must arrive after node_exporter stops, from the rendered
 * configuration: the rule's `for`, plus up to one scrape interval until a scrape fails and up to one more
 * until the rule is evaluated on it (evaluation interval = scrape interval in our presets), plus the
 * group_wait of the route NodeDown takes.
 */
export function nodeDownBound(renderedDir: string) {
  const read = (...p: string[]) => fs.readFileSync(path.join(renderedDir, ...p), "utf8");
  const rulesDir = path.join(renderedDir, "prometheus", "rules");
  const rule = findAlertRule(fs.readdirSync(rulesDir).map((f) => read("prometheus", "rules", f)), "NodeDown");
  const prometheusYml = read("prometheus", "prometheus.yml");
  const externalLabels = (parse(prometheusYml).global?.external_labels ?? {}) as Record<string, string>;
  const route = effectiveRoute(read("alertmanager", "alertmanager.yml"), { ...externalLabels, ...rule.labels, alertname: "NodeDown" });
  const forMs = durationMs(rule.for ?? "0s");
  const scrapeMs = scrapeIntervalMs(prometheusYml, nodeExporterContract.job);
  return { forMs, scrapeMs, groupWaitMs: route.groupWaitMs, groupIntervalMs: route.groupIntervalMs, receiver: route.receiver, boundMs: forMs + 2 * scrapeMs + route.groupWaitMs };
}

const isNodeDown = (status: "firing" | "resolved") => (n: ReceivedNotification) =>
  n.payload.status === status && n.payload.alerts.some((a) => a.labels.alertname === "NodeDown" && a.status === status);

export interface NodeDownRun {
  /** node_exporter stopped → firing NodeDown notification received, ms. */
  timeToNotifyMs: number;
  firing: ReceivedNotification;
  /**
   * node_exporter stopped → NodeDown firing in Prometheus (the alert's startsAt, which Prometheus sets to
   * when it fired): the wait for the failing scrape, for the evaluation after it, and the rule's `for`.
   * The rest of timeToNotifyMs is Alertmanager's group_wait and the delivery.
   */
  firedMs: number;
  /** node_exporter restarted → resolved NodeDown notification received, ms (when measured). */
  timeToResolveMs?: number;
  resolved?: ReceivedNotification;
  /** The `up` series of node-exporter as Prometheus saw it before the stop. */
  upBefore: Array<Record<string, string>>;
}

/**
 * Waits for node-exporter to be scraped, stops node_exporter by PID, waits for the firing NodeDown
 * notification, and (if `resolve`) restarts node_exporter on the same port and waits for the resolved one.
 * Every wait is bounded by `timeouts`.
 */
export async function runNodeDown(stack: LoopbackStack, options: { resolve: boolean; timeouts: { upMs: number; notifyMs: number; resolveMs: number } }): Promise<NodeDownRun> {
  // Right after the stack starts (as in the bench), the stop follows the first successful scrape by about a
  // second, so the failing scrape is nearly a full interval away: the worst case for the scrape phase.
  const upBefore = await waitForJobUp(stack, nodeExporterContract.job, options.timeouts.upMs);
  const stoppedAt = now();
  const stoppedAtWallClock = Date.now();
  await stopProcess(stack.processes.nodeExporter);
  const firing = await stack.receiver.waitFor(isNodeDown("firing"), { timeoutMs: options.timeouts.notifyMs, what: "a firing NodeDown notification" });
  const startsAt = firing.payload.alerts.find((a) => a.labels.alertname === "NodeDown")!.startsAt;
  const run: NodeDownRun = { upBefore, firing, timeToNotifyMs: firing.receivedAt - stoppedAt, firedMs: Date.parse(startsAt) - stoppedAtWallClock };
  if (!options.resolve) return run;

  const restartedAt = now();
  await stack.startNodeExporter();
  run.resolved = await stack.receiver.waitFor(isNodeDown("resolved"), { timeoutMs: options.timeouts.resolveMs, what: "a resolved NodeDown notification" });
  run.timeToResolveMs = run.resolved.receivedAt - restartedAt;
  return run;
}

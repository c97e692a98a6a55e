// The rendered dev monitoring stack as real processes on 127.0.0.1 — Prometheus, Alertmanager,
// node_exporter and blackbox_exporter — plus a webhook receiver in place of the notification channel.
// Shared by the e2e tests and bench/node-down.ts.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { renderToTempDir } from "../helpers/rendered";
import { toolPath } from "../helpers/tools";
import {
  freePorts, getJson, LOOPBACK, makeTempDir, now, pollUntil, ReceivedNotification, removeOnExit, startProcess, StartedProcess,
  startWebhookReceiver, stopProcess, WebhookReceiver, waitForHttp,
} from "../helpers/loopback";
import {
  E2E_NODE_NAME, effectiveRoute, findAlertRule, loopbackAlertmanagerConfig, loopbackPrometheusConfig, LoopbackTargets, parseDuration,
  scrapeIntervalMs,
} from "./loopback-config";

const READY_TIMEOUT_MS = 30_000;

function ensureDir(...parts: string[]): string {
  const dir = path.join(...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The dev stack rendered by scripts/render.ts in a child process, in a temp dir removed at exit at the latest. */
export function renderDevStack(): string {
  return removeOnExit(renderToTempDir("dev"));
}

export interface LoopbackFiles {
  prometheusYml: string;
  alertmanagerYml: string;
  blackboxYml: string;
}

/**
 * Writes the loopback variant of a rendered tree into `workDir`: rewritten prometheus.yml and
 * alertmanager.yml, the rule files and blackbox.yml as rendered, and each secret file Alertmanager
 * references (contents from `secrets`, by file name; a missing one is an error).
 */
export function writeLoopbackConfigs(renderedDir: string, workDir: string, targets: LoopbackTargets, secrets: Record<string, string>): LoopbackFiles {
  const dir = (...parts: string[]) => ensureDir(workDir, ...parts);
  const rulesDir = dir("prometheus", "rules");
  fs.cpSync(path.join(renderedDir, "prometheus", "rules"), rulesDir, { recursive: true });
  const prometheusYml = path.join(dir("prometheus"), "prometheus.yml");
  fs.writeFileSync(prometheusYml, loopbackPrometheusConfig(fs.readFileSync(path.join(renderedDir, "prometheus", "prometheus.yml"), "utf8"), { targets, rulesDir, nodeName: E2E_NODE_NAME }));

  const secretsDir = dir("alertmanager", "secrets");
  const am = loopbackAlertmanagerConfig(fs.readFileSync(path.join(renderedDir, "alertmanager", "alertmanager.yml"), "utf8"), secretsDir);
  for (const file of am.secretFiles) {
    if (secrets[file] === undefined) throw new Error(`alertmanager.yml references secret ${file}, which the loopback setup does not provide`);
    fs.writeFileSync(path.join(secretsDir, file), secrets[file], { mode: 0o600 });
  }
  const alertmanagerYml = path.join(dir("alertmanager"), "alertmanager.yml");
  fs.writeFileSync(alertmanagerYml, am.yaml);

  const blackboxYml = path.join(dir("blackbox"), "blackbox.yml");
  fs.copyFileSync(path.join(renderedDir, "blackbox", "blackbox.yml"), blackboxYml);
  return { prometheusYml, alertmanagerYml, blackboxYml };
}

/** The webhook secret of every channel the dev stack enables points at the local receiver. */
export function loopbackSecrets(receiverUrl: string): Record<string, string> {
  return { webhookUrl: receiverUrl };
}

export interface LoopbackStack {
  workDir: string;
  files: LoopbackFiles;
  targets: LoopbackTargets;
  prometheusUrl: string;
  alertmanagerUrl: string;
  receiver: WebhookReceiver;
  processes: Record<"prometheus" | "alertmanager" | "nodeExporter" | "blackboxExporter", StartedProcess>;
  /** Starts node_exporter (again) on its port and waits until it serves metrics. */
  startNodeExporter(): Promise<StartedProcess>;
  /** Stops every process and the receiver and removes the work directory. Safe to call twice. */
  stop(): Promise<void>;
}

const url = (address: string, p: string) => `http://${address}${p}`;

/**
 * Starts the four processes from the loopback variant of `renderedDir` and waits until each is ready.
 * If any fails to start, what was started is stopped before the error propagates.
 */
export async function startLoopbackStack(renderedDir: string): Promise<LoopbackStack> {
  const workDir = makeTempDir("e2e");
  const [promPort, amPort, nePort, bbPort] = await freePorts(4);
  const targets: LoopbackTargets = {
    prometheus: `${LOOPBACK}:${promPort}`,
    alertmanager: `${LOOPBACK}:${amPort}`,
    "node-exporter": `${LOOPBACK}:${nePort}`,
    "blackbox-exporter": `${LOOPBACK}:${bbPort}`,
  };
  const receiver = await startWebhookReceiver();
  const processes: Partial<LoopbackStack["processes"]> = {};
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(Object.values(processes).map((p) => stopProcess(p)));
    await receiver.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  };

  const startNodeExporter = async () => {
    const p = startProcess("node_exporter", toolPath("node_exporter"), [`--web.listen-address=${targets["node-exporter"]}`]);
    processes.nodeExporter = p;
    await waitForHttp(url(targets["node-exporter"], "/metrics"), { timeoutMs: READY_TIMEOUT_MS, owner: p });
    return p;
  };

  try {
    const files = writeLoopbackConfigs(renderedDir, workDir, targets, loopbackSecrets(receiver.url));
    const data = (name: string) => ensureDir(workDir, "data", name);

    processes.alertmanager = startProcess("alertmanager", toolPath("alertmanager"), [
      `--config.file=${files.alertmanagerYml}`,
      `--storage.path=${data("alertmanager")}`,
      `--web.listen-address=${targets.alertmanager}`,
      "--cluster.listen-address=", // no gossip: a single instance, and nothing leaves loopback
    ]);
    processes.blackboxExporter = startProcess("blackbox_exporter", toolPath("blackbox_exporter"), [
      `--config.file=${files.blackboxYml}`,
      `--web.listen-address=${targets["blackbox-exporter"]}`,
    ]);
    processes.prometheus = startProcess("prometheus", toolPath("prometheus"), [
      `--config.file=${files.prometheusYml}`,
      `--storage.tsdb.path=${data("prometheus")}`,
      `--web.listen-address=${targets.prometheus}`,
      "--web.enable-lifecycle",
    ], { env: { POD_NAME: "prometheus-e2e-0" } }); // expanded into the `replica` external label
    await Promise.all([
      startNodeExporter(),
      waitForHttp(url(targets.alertmanager, "/-/ready"), { timeoutMs: READY_TIMEOUT_MS, owner: processes.alertmanager }),
      waitForHttp(url(targets["blackbox-exporter"], "/-/healthy"), { timeoutMs: READY_TIMEOUT_MS, owner: processes.blackboxExporter }),
      waitForHttp(url(targets.prometheus, "/-/ready"), { timeoutMs: READY_TIMEOUT_MS, owner: processes.prometheus }),
    ]);
    return {
      workDir, files, targets, receiver, startNodeExporter, stop,
      prometheusUrl: url(targets.prometheus, ""),
      alertmanagerUrl: url(targets.alertmanager, ""),
      processes: processes as LoopbackStack["processes"],
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Results of an instant query: `[labels, value]` per series. */
export async function promQuery(stack: LoopbackStack, query: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
  const body = await getJson(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  if (body.status !== "success") throw new Error(`query ${query}: ${JSON.stringify(body)}`);
  return body.data.result.map((r: any) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Waits until every series of `up{job=...}` is 1 (and at least one exists): scraped successfully. */
export async function waitForJobUp(stack: LoopbackStack, job: string, timeoutMs: number): Promise<Array<Record<string, string>>> {
  let last: unknown = "no query yet";
  return pollUntil(async () => {
    const series = await promQuery(stack, `up{job="${job}"}`);
    last = series;
    return series.length > 0 && series.every((s) => s.value === 1) ? series.map((s) => s.metric) : undefined;
  }, { timeoutMs, intervalMs: 1_000, describe: () => `up{job="${job}"} is not 1: ${JSON.stringify(last)}\nprometheus log:\n${stack.processes.prometheus.log()}` });
}

// ---------------------------------------------------------------------------------------------------
// The NodeDown scenario

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
  const forMs = parseDuration(rule.for ?? "0s");
  const scrapeMs = scrapeIntervalMs(prometheusYml, "node-exporter");
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
  const upBefore = await waitForJobUp(stack, "node-exporter", options.timeouts.upMs);
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

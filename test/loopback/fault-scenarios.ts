// Faults injected into the rendered stack running on 127.0.0.1, each on a stack of its own, each returning
// what it measured (time-to-notify first of all) for test/e2e/faults.test.ts to assert on and
// bench/faults.ts to print. Every wait is bounded; every process is started and stopped by PID through
// test/loopback/processes.ts.
//
// Timings: the scenarios run the rendered configuration with the overrides in fastTimings (5 s scrape and
// evaluation intervals; in dev a 10 s group_interval), set through the stack's own config keys as `--set`
// would; no scenario is about those intervals, and 15 s / 1 m would make each one minutes longer. prod keeps
// its 5 m group_interval (a gossip cluster needs one longer than its peers' wait; stacks/config.ts checks
// it). Alert `for` durations, group_wait, repeat_interval and everything else are as rendered.
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { parse, stringify } from "yaml";
import { FakeMlService } from "../../exporters/ml-model/test/support/fake-ml-service";
import { fixtureSnapshot } from "../../exporters/ml-model/test/support/fixtures";
import { renderToTempDir } from "../helpers/rendered";
import {
  crashProcess, freePorts, getJson, LOOPBACK, now, pollUntil, ReceivedNotification, removeOnExit, sleep, stopProcess, WebhookAlert,
} from "./processes";
import { effectiveRoute, findAlertRule, parseDuration, renderedContainer } from "./config";
import { LoopbackOptions, LoopbackStack, ML_EXPORTER_JOB, promQuery, startLoopbackStack, waitForJobUp } from "./stack";

/** Config overrides each scenario renders with (see the header); values are the stack's own config keys. */
export function fastTimings(stack: "dev" | "prod"): Record<string, string> {
  return {
    prometheus: JSON.stringify({ scrapeInterval: "5s", scrapeTimeout: "4s", evaluationInterval: "5s" }),
    ...(stack === "dev" ? { alertmanager: JSON.stringify({ groupInterval: "10s" }) } : {}),
  };
}

/**
 * prod's notification channels (Slack, email, Teams, PagerDuty) have no loopback stand-in; the cluster
 * scenario is about gossip, not channels, so it renders prod with the webhook channel instead.
 */
export const PROD_WEBHOOK_ONLY: Record<string, string> = {
  notifications: JSON.stringify({ slack: { enabled: false }, email: { enabled: false }, teams: { enabled: false }, pagerduty: { enabled: false }, webhook: { enabled: true }, heartbeat: { enabled: false } }),
};

/** Alertmanager's --cluster.peer-timeout default: how long each peer position waits before notifying. */
const PEER_TIMEOUT_MS = 15_000;
/** Prometheus' --rules.alert.resend-delay default: how often firing alerts are sent again. */
const RESEND_DELAY_MS = 60_000;
/** Headroom over each computed wait, for a loaded 2-core machine. */
const SLACK_MS = 30_000;

/** A rendered stack in a temp dir (removed at exit at the latest), with fastTimings and `extra` overrides. */
export function renderForFaults(stack: "dev" | "prod", extra: Record<string, string> = {}): string {
  return removeOnExit(renderToTempDir(stack, { ...fastTimings(stack), ...extra }));
}

const read = (dir: string, ...p: string[]) => fs.readFileSync(path.join(dir, ...p), "utf8");

/** Timings of an alert's path, from the rendered rule files, prometheus.yml and alertmanager.yml. */
export function alertTimings(renderedDir: string, alertname: string) {
  const rules = fs.readdirSync(path.join(renderedDir, "prometheus", "rules")).map((f) => read(renderedDir, "prometheus", "rules", f));
  const rule = findAlertRule(rules, alertname);
  const prom = parse(read(renderedDir, "prometheus", "prometheus.yml"));
  const route = effectiveRoute(read(renderedDir, "alertmanager", "alertmanager.yml"), { ...prom.global.external_labels, ...rule.labels, alertname });
  const scrapeMs = parseDuration(prom.global.scrape_interval);
  const evalMs = parseDuration(prom.global.evaluation_interval);
  const forMs = parseDuration(rule.for ?? "0s");
  // A failing scrape up to one interval away, its evaluation up to one more, `for`, the evaluation that fires
  // (up to one more interval after `for` has passed), and group_wait.
  return { forMs, scrapeMs, evalMs, ...route, receiver: route.receiver, rule, bound: scrapeMs + evalMs + forMs + evalMs + route.groupWaitMs };
}

// ---------------------------------------------------------------------------------------------------
// Small queries

type Labels = Record<string, string>;

export const carries = (alertname: string, status: "firing" | "resolved", labels: Labels = {}) => (n: ReceivedNotification) =>
  n.payload.alerts.some((a) => a.labels.alertname === alertname && a.status === status && Object.entries(labels).every(([k, v]) => a.labels[k] === v));

export const alertsNamed = (notifications: ReceivedNotification[], alertname: string): WebhookAlert[] =>
  notifications.flatMap((n) => n.payload.alerts.filter((a) => a.labels.alertname === alertname));

/** Notifications per alert group and status: more than one for a key is a duplicate. */
export function notificationsPerGroup(notifications: ReceivedNotification[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of notifications) {
    const key = `${n.payload.groupKey} ${n.payload.status} [${n.payload.alerts.map((a) => `${a.fingerprint}:${a.status}`).sort().join(",")}]`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

interface AmAlert {
  labels: Labels;
  startsAt: string;
  status: { state: string };
}
const amAlerts = (baseUrl: string, alertname: string) =>
  getJson<AmAlert[]>(`${baseUrl}/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=${encodeURIComponent(`alertname="${alertname}"`)}`);

interface PromAlert {
  labels: Labels;
  state: "pending" | "firing";
  activeAt: string;
}
const promAlerts = async (stack: LoopbackStack, alertname: string) =>
  (await getJson<{ data: { alerts: PromAlert[] } }>(`${stack.prometheusUrl}/api/v1/alerts`)).data.alerts.filter((a) => a.labels.alertname === alertname);

async function waitPromAlertState(stack: LoopbackStack, alertname: string, state: PromAlert["state"], timeoutMs: number): Promise<PromAlert> {
  let last: unknown;
  return pollUntil(async () => {
    const alerts = await promAlerts(stack, alertname).catch((err) => { last = String(err); return []; });
    last = alerts;
    return alerts.find((a) => a.state === state);
  }, { timeoutMs, intervalMs: 250, describe: () => `${alertname} is not ${state} in Prometheus: ${JSON.stringify(last)}` });
}

/** A metric's value summed over its series in a process's /metrics, selecting series by label values. */
export async function metricSum(baseUrl: string, name: string, labels: Labels = {}): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const series = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => series[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

async function waitClusterMembers(urls: string[], members: number, timeoutMs: number): Promise<number[]> {
  let last: number[] = [];
  return pollUntil(async () => {
    last = await Promise.all(urls.map((u) => metricSum(u, "alertmanager_cluster_members").catch(() => -1)));
    return last.every((m) => m === members) ? last : undefined;
  }, { timeoutMs, intervalMs: 250, describe: () => `alertmanager_cluster_members per peer: ${last.join(", ")} (want ${members} each)` });
}

/** Runs `fn` against a fresh stack and always stops it. */
async function withStack<T>(renderedDir: string, options: LoopbackOptions, fn: (stack: LoopbackStack) => Promise<T>): Promise<T> {
  const stack = await startLoopbackStack(renderedDir, options);
  try {
    return await fn(stack);
  } finally {
    await stack.stop();
  }
}

export interface Timed {
  /** The fault injected → the first notification about it accepted by the receiver, ms. */
  timeToNotifyMs: number;
  /** Upper bound from the rendered config: for + scrape + evaluation + group_wait (more where stated). */
  boundMs: number;
  notifications: ReceivedNotification[];
}

// ---------------------------------------------------------------------------------------------------
// 1. Alertmanager gossip cluster loses a peer mid-incident

export interface PeerLossRun extends Timed {
  peers: number;
  /** The peer killed: the one first in line to notify (lowest position), killed after it held the alert. */
  killedPeer: number;
  /** alertmanager_cluster_members of each surviving peer once it noticed the loss (the killed one: -1). */
  membersWhileDown: number[];
  /** Peer restarted → every peer reports the full cluster again, ms. */
  convergeMs: number;
  membersAfter: number[];
  /** alertmanager_cluster_members as Prometheus scraped it from every peer after convergence. */
  membersInPrometheus: number[];
  /** How long the restarted peer held the alert without notifying it again, ms. */
  restartedPeerQuietMs: number;
}

/**
 * prod's three-peer Alertmanager cluster, Prometheus sending to all three. node_exporter stops; once every
 * peer holds the firing NodeDown, the peer first in line to notify is killed (SIGKILL) before its
 * group_wait ends. The survivors must notify exactly once; the killed peer is restarted on the same
 * storage, the cluster must converge, and the restarted peer, once Prometheus has re-sent it the alert,
 * must not notify again: it learnt the notification log from its peers.
 *
 * The incident is not resolved here: a restarted peer's group_interval ticks are not aligned with the
 * others', so a resolve landing while it waits its turn can make it repeat the firing state (Alertmanager
 * delivers at least once; the chance is about its wait over group_interval). The resolve path is proven on
 * a single Alertmanager by node-down.test.ts.
 */
export async function alertmanagerPeerLoss(renderedDir: string): Promise<PeerLossRun> {
  const t = alertTimings(renderedDir, "NodeDown");
  return withStack(renderedDir, { blackboxExporter: false }, async (stack) => {
    const urls = stack.alertmanagerUrls;
    if (urls.length < 3) throw new Error(`expected a gossip cluster of at least 3 peers, rendered ${urls.length}`);
    await waitClusterMembers(urls, urls.length, SLACK_MS);
    await waitForJobUp(stack, "node-exporter", 2 * t.scrapeMs + SLACK_MS);

    const stoppedAt = now();
    await stopProcess(stack.processes.nodeExporter);
    // Prometheus sends the firing alert to every peer at once; each starts its group_wait.
    await pollUntil(async () => ((await Promise.all(urls.map((u) => amAlerts(u, "NodeDown")))).every((a) => a.length > 0) ? true : undefined),
      { timeoutMs: t.bound + SLACK_MS, intervalMs: 200, describe: () => "not every peer holds a firing NodeDown" });
    // Peers notify in the order of their names (Alertmanager's Position()); the first waits no peer_timeout.
    const names = (await Promise.all(urls.map((u) => getJson<{ cluster: { name: string } }>(`${u}/api/v2/status`)))).map((s) => s.cluster.name);
    const killedPeer = names.indexOf([...names].sort()[0]);
    await crashProcess(stack.alertmanagers[killedPeer]);

    const firing = await stack.receiver.waitFor(carries("NodeDown", "firing"), {
      timeoutMs: t.groupWaitMs + urls.length * PEER_TIMEOUT_MS + SLACK_MS, what: "a firing NodeDown notification from a surviving peer",
    });

    // The survivors notice the loss (memberlist's failure detection) before the peer comes back.
    const survivors = urls.filter((_, i) => i !== killedPeer);
    const seen = await waitClusterMembers(survivors, urls.length - 1, SLACK_MS);
    const membersWhileDown = urls.map((_, i) => (i === killedPeer ? -1 : seen[survivors.indexOf(urls[i])]));

    const restartedAt = now();
    await stack.startAlertmanager(killedPeer);
    const membersAfter = await waitClusterMembers(urls, urls.length, SLACK_MS);
    const convergeMs = now() - restartedAt;
    const membersInPrometheus = await pollUntil(async () => {
      const series = await promQuery(stack, "alertmanager_cluster_members");
      return series.length === urls.length && series.every((s) => s.value === urls.length) ? series.map((s) => s.value) : undefined;
    }, { timeoutMs: 2 * t.scrapeMs + SLACK_MS, describe: () => "Prometheus does not see every peer report the full cluster" });

    // The restarted peer learns of the incident from Prometheus' next re-send; give it its group_wait and
    // the longest peer position's wait to (wrongly) notify again.
    await pollUntil(async () => ((await amAlerts(urls[killedPeer], "NodeDown")).length > 0 ? true : undefined),
      { timeoutMs: RESEND_DELAY_MS + SLACK_MS, intervalMs: 500, describe: () => "the restarted peer never received NodeDown" });
    const heldAt = now();
    await sleep(t.groupWaitMs + (urls.length - 1) * PEER_TIMEOUT_MS + 5_000);

    return {
      peers: urls.length, killedPeer, convergeMs, membersWhileDown, membersAfter, membersInPrometheus,
      timeToNotifyMs: firing.receivedAt - stoppedAt,
      // The survivors wait up to their peer positions' timeouts on top of group_wait.
      boundMs: t.bound + (urls.length - 1) * PEER_TIMEOUT_MS,
      restartedPeerQuietMs: now() - heldAt,
      notifications: [...stack.receiver.notifications],
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// 2. The receiver fails for a while

export interface ReceiverOutageRun extends Timed {
  /** Notification attempts the receiver refused with HTTP 500. */
  refused: number;
  /** First refused attempt → receiver recovers, ms. */
  outageMs: number;
  /** Receiver recovers → notification accepted, ms. */
  recoveryToDeliveryMs: number;
  /** Alertmanager's own count of failed webhook requests (each attempt) and failed notifications (each flush). */
  failedRequests: number;
  failedNotifications: number;
}

/**
 * The receiver answers 500 from the start. NodeDown fires; Alertmanager's attempts are refused across more
 * than one group_interval (each flush retries with backoff until the next); then the receiver recovers,
 * and the notification must arrive, once. Time-to-notify here includes the outage.
 */
export async function receiverOutage(renderedDir: string): Promise<ReceiverOutageRun> {
  const t = alertTimings(renderedDir, "NodeDown");
  return withStack(renderedDir, { blackboxExporter: false }, async (stack) => {
    stack.receiver.respondWith(500);
    await waitForJobUp(stack, "node-exporter", 2 * t.scrapeMs + SLACK_MS);
    const stoppedAt = now();
    await stopProcess(stack.processes.nodeExporter);

    const refusedNodeDown = () => stack.receiver.rejected.filter(carries("NodeDown", "firing"));
    const first = await pollUntil(async () => refusedNodeDown()[0], { timeoutMs: t.bound + SLACK_MS, describe: () => "no NodeDown notification attempt" });
    // Keep failing for two group_intervals and at least three attempts: retries within a flush and a new flush.
    const outageEnd = first.receivedAt + 2 * t.groupIntervalMs;
    await pollUntil(async () => (now() >= outageEnd && refusedNodeDown().length >= 3 ? true : undefined),
      { timeoutMs: 2 * t.groupIntervalMs + SLACK_MS, describe: () => `only ${refusedNodeDown().length} attempts refused` });
    const recoveredAt = now();
    stack.receiver.respondWith(200);
    const delivered = await stack.receiver.waitFor(carries("NodeDown", "firing"), { timeoutMs: t.groupIntervalMs + SLACK_MS, what: "NodeDown after the receiver recovered" });
    await sleep(2 * t.groupIntervalMs); // room for a duplicate
    return {
      refused: refusedNodeDown().length,
      outageMs: recoveredAt - first.receivedAt,
      recoveryToDeliveryMs: delivered.receivedAt - recoveredAt,
      failedRequests: await metricSum(stack.alertmanagerUrl, "alertmanager_notification_requests_failed_total", { integration: "webhook" }),
      failedNotifications: await metricSum(stack.alertmanagerUrl, "alertmanager_notifications_failed_total", { integration: "webhook" }),
      timeToNotifyMs: delivered.receivedAt - stoppedAt,
      boundMs: t.bound + (recoveredAt - first.receivedAt) + t.groupIntervalMs,
      notifications: [...stack.receiver.notifications],
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// 3. Prometheus restarts while an alert is pending, and again while it is firing

export interface PrometheusRestartRun extends Timed {
  /** How long each restart took (stop by PID → ready again), ms. */
  restartsMs: number[];
  /** After the second restart: the alert firing again in Prometheus, ms. */
  refiredMs: number;
  /** Alertmanager held the alert, active, at every poll through the second restart. */
  activeThroughout: boolean;
  startsAtBefore: string;
  startsAtAfter: string;
  repeatIntervalMs: number;
  /** How long after the first notification the run watched for another, ms. */
  watchedMs: number;
}

export async function prometheusRestart(renderedDir: string): Promise<PrometheusRestartRun> {
  const t = alertTimings(renderedDir, "NodeDown");
  return withStack(renderedDir, { blackboxExporter: false }, async (stack) => {
    await waitForJobUp(stack, "node-exporter", 2 * t.scrapeMs + SLACK_MS);
    const stoppedAt = now();
    await stopProcess(stack.processes.nodeExporter);
    const restartsMs: number[] = [];
    const restart = async () => {
      const at = now();
      await stack.restartPrometheus();
      restartsMs.push(now() - at);
    };

    // Pending: restart. The rule's `for` (shorter than Prometheus' 10 m for-grace-period) starts again.
    await waitPromAlertState(stack, "NodeDown", "pending", 2 * t.scrapeMs + t.evalMs + SLACK_MS);
    await restart();
    const firing = await stack.receiver.waitFor(carries("NodeDown", "firing"), { timeoutMs: t.bound + SLACK_MS, what: "NodeDown firing after the restart" });
    const [held] = await amAlerts(stack.alertmanagerUrl, "NodeDown");

    // Firing: restart again, watching Alertmanager's copy of the alert until Prometheus fires it anew.
    await waitPromAlertState(stack, "NodeDown", "firing", t.evalMs + SLACK_MS);
    let activeThroughout = true;
    let startsAtAfter = held.startsAt;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const alerts = await amAlerts(stack.alertmanagerUrl, "NodeDown").catch(() => []);
        if (alerts.length !== 1 || alerts[0].status.state !== "active") activeThroughout = false;
        else startsAtAfter = alerts[0].startsAt;
        await sleep(500);
      }
    })();
    const restartedAt = now();
    await restart();
    await waitPromAlertState(stack, "NodeDown", "firing", t.forMs + 2 * t.evalMs + SLACK_MS);
    const refiredMs = now() - restartedAt;
    // Prometheus sends the re-fired alert at once; give Alertmanager two group_interval ticks to (wrongly) notify.
    await sleep(2 * t.groupIntervalMs + 5_000);
    watching = false;
    await watcher;
    return {
      restartsMs, refiredMs, activeThroughout, startsAtBefore: held.startsAt, startsAtAfter,
      repeatIntervalMs: t.repeatIntervalMs,
      watchedMs: now() - firing.receivedAt,
      timeToNotifyMs: firing.receivedAt - stoppedAt,
      // The pending time before the restart is lost: `for` starts again once Prometheus is back.
      boundMs: t.bound + restartsMs[0] + t.forMs,
      notifications: [...stack.receiver.notifications],
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// 4. A blackbox probe target goes down

export interface ProbeDownRun extends Timed {
  probedUrl: string;
  renderedTarget: string;
  alert: WebhookAlert;
}

/** A local HTTP server answering 200, standing in for a probed endpoint; close() takes it down. */
async function startStandIn(): Promise<{ url: string; close(): Promise<void> }> {
  const [port] = await freePorts(1);
  const server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok\n"));
  await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(port, LOOPBACK, () => resolve()); });
  return {
    url: `http://${LOOPBACK}:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/**
 * The rendered http_2xx probe (the NovaCron API's health endpoint) probes a local stand-in; the stand-in
 * goes down and EndpointProbeFailed must be notified.
 */
export async function probeTargetDown(renderedDir: string): Promise<ProbeDownRun> {
  const t = alertTimings(renderedDir, "EndpointProbeFailed");
  const httpJob = (parse(read(renderedDir, "prometheus", "prometheus.yml")).scrape_configs as any[]).find((j) => j.params?.module?.[0] === "http_2xx");
  if (!httpJob) throw new Error("the rendered stack has no http_2xx probe");
  const renderedTarget: string = httpJob.static_configs[0].targets[0];
  const standIn = await startStandIn();
  const probedUrl = `${standIn.url}${new URL(renderedTarget).pathname}`;
  try {
    return await withStack(renderedDir, { nodeExporter: false, probeTargets: { [renderedTarget]: probedUrl } }, async (stack) => {
      await pollUntil(async () => ((await promQuery(stack, `probe_success{job="${httpJob.job_name}"}`)).some((s) => s.metric.instance === probedUrl && s.value === 1) ? true : undefined),
        { timeoutMs: 2 * t.scrapeMs + SLACK_MS, describe: () => `probe_success of ${probedUrl} is not 1` });
      const downAt = now();
      await standIn.close();
      const firing = await stack.receiver.waitFor(carries("EndpointProbeFailed", "firing", { instance: probedUrl }), { timeoutMs: t.bound + SLACK_MS, what: "EndpointProbeFailed" });
      return {
        probedUrl, renderedTarget,
        alert: firing.payload.alerts.find((a) => a.labels.alertname === "EndpointProbeFailed")!,
        timeToNotifyMs: firing.receivedAt - downAt,
        boundMs: t.bound,
        notifications: [...stack.receiver.notifications],
      };
    });
  } finally {
    await standIn.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// 5. The ML service goes down (exporter up, upstream gone), and an ML exporter goes down itself

export interface MlDownRun {
  /** Instance whose ML service stopped, and instance whose exporter stopped. */
  upstreamDownInstance: string;
  exporterDownInstance: string;
  upstreamDown: Timed & { alerts: WebhookAlert[] };
  exporterDown: Timed & { alerts: WebhookAlert[] };
  notifications: ReceivedNotification[];
}

/**
 * Two ML model exporters (exporters/ml-model, with the rendered environment) each read a fake ML service.
 * The first one's ML service stops (MLExporterUpstreamDown), the second exporter itself stops
 * (ExporterDown); each alert must name its instance and only that one.
 */
export async function mlExporterDown(renderedDir: string): Promise<MlDownRun> {
  const upstreamT = alertTimings(renderedDir, "MLExporterUpstreamDown");
  const exporterT = alertTimings(renderedDir, "ExporterDown");
  const services = await Promise.all([new FakeMlService().start(), new FakeMlService().start()]);
  for (const s of services) s.behaviour = { kind: "json", body: fixtureSnapshot() };
  try {
    return await withStack(renderedDir, { nodeExporter: false, blackboxExporter: false, mlExporterEndpoints: services.map((s) => s.url) }, async (stack) => {
      const instances = stack.targets[ML_EXPORTER_JOB] as string[];
      await pollUntil(async () => {
        const up = await promQuery(stack, `up{job="${ML_EXPORTER_JOB}"} == 1`);
        const mlUp = await promQuery(stack, `ml_exporter_up{job="${ML_EXPORTER_JOB}"} == 1`);
        return up.length === 2 && mlUp.length === 2 ? true : undefined;
      }, { timeoutMs: 2 * upstreamT.scrapeMs + SLACK_MS, describe: () => "the ML exporters are not both scraped with their ML service up" });

      // The exporter serves its cached ML data up to its SCRAPE_INTERVAL (rendered env) before it notices.
      const cacheMs = 1000 * Number(renderedContainer(read(renderedDir, "kubernetes", "ml-model-exporter.yaml"), "ml-model-exporter").env.SCRAPE_INTERVAL ?? 0);
      const downAt = now();
      await services[0].stop();
      await stopProcess(stack.mlExporters[1]);
      const [upstream, exporter] = await Promise.all([
        stack.receiver.waitFor(carries("MLExporterUpstreamDown", "firing"), { timeoutMs: upstreamT.bound + cacheMs + SLACK_MS, what: "MLExporterUpstreamDown" }),
        stack.receiver.waitFor(carries("ExporterDown", "firing", { job: ML_EXPORTER_JOB }), { timeoutMs: exporterT.bound + SLACK_MS, what: "ExporterDown for the ML exporter" }),
      ]);
      await sleep(exporterT.groupIntervalMs); // room for a wrong second instance to join either group
      const notifications = [...stack.receiver.notifications];
      return {
        upstreamDownInstance: instances[0],
        exporterDownInstance: instances[1],
        upstreamDown: { timeToNotifyMs: upstream.receivedAt - downAt, boundMs: upstreamT.bound + cacheMs, notifications, alerts: alertsNamed(notifications, "MLExporterUpstreamDown") },
        exporterDown: { timeToNotifyMs: exporter.receivedAt - downAt, boundMs: exporterT.bound, notifications, alerts: alertsNamed(notifications, "ExporterDown") },
        notifications,
      };
    });
  } finally {
    await services[0].stop().catch(() => undefined);
    await services[1].stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// 6. A bad config pushed to running Prometheus and Alertmanager

export interface BadReloadRun {
  prometheusReload: { status: number; body: string };
  alertmanagerReload: { status: number; body: string };
  prometheus: Timed;
  alertmanager: Timed;
  /** Prometheus still runs the old config: the config it reports, and scrapes after the failed reload. */
  prometheusConfigUnchanged: boolean;
  scrapedAfterReload: boolean;
  /** Alertmanager still runs the old config, and routed the reload-failed alerts with it. */
  alertmanagerConfigUnchanged: boolean;
  receivers: string[];
  expectedReceiver: string;
}

/**
 * A config change that the tools refuse is written over each server's config file and the reload the
 * config-reloader sidecar would trigger is sent. Both reloads must fail, each reload-failed alert must be
 * notified, and both servers must keep running their previous config: Prometheus keeps scraping, and
 * Alertmanager delivers those very alerts through its old routing.
 */
export async function badConfigReload(renderedDir: string): Promise<BadReloadRun> {
  const promT = alertTimings(renderedDir, "PrometheusConfigReloadFailed");
  const amT = alertTimings(renderedDir, "AlertmanagerConfigReloadFailed");
  return withStack(renderedDir, {}, async (stack) => {
    for (const job of ["prometheus", "alertmanager", "node-exporter"]) await waitForJobUp(stack, job, 2 * promT.scrapeMs + SLACK_MS);
    const loadedProm = (await getJson(`${stack.prometheusUrl}/api/v1/status/config`)).data.yaml as string;
    const loadedAm = (await getJson(`${stack.alertmanagerUrl}/api/v2/status`)).config.original as string;

    // A duplicated scrape job (Prometheus refuses it) and a route to an undefined receiver (Alertmanager does).
    const prom = parse(fs.readFileSync(stack.files.prometheusYml, "utf8"));
    prom.scrape_configs.push(prom.scrape_configs[0]);
    fs.writeFileSync(stack.files.prometheusYml, stringify(prom));
    const am = parse(fs.readFileSync(stack.files.alertmanagerYml, "utf8"));
    am.route.routes.unshift({ receiver: "nowhere", matchers: ['alertname="Anything"'] });
    fs.writeFileSync(stack.files.alertmanagerYml, stringify(am));

    const reload = async (base: string) => {
      const response = await fetch(`${base}/-/reload`, { method: "POST", signal: AbortSignal.timeout(10_000) });
      return { status: response.status, body: (await response.text()).trim() };
    };
    const reloadedAt = now();
    const reloadedAtWall = Date.now();
    const [prometheusReload, alertmanagerReload] = await Promise.all([reload(stack.prometheusUrl), reload(stack.alertmanagerUrl)]);

    const [promFiring, amFiring] = await Promise.all([
      stack.receiver.waitFor(carries("PrometheusConfigReloadFailed", "firing"), { timeoutMs: promT.bound + SLACK_MS, what: "PrometheusConfigReloadFailed" }),
      stack.receiver.waitFor(carries("AlertmanagerConfigReloadFailed", "firing"), { timeoutMs: amT.bound + SLACK_MS, what: "AlertmanagerConfigReloadFailed" }),
    ]);

    const scraped = await promQuery(stack, `timestamp(up{job="node-exporter"} == 1)`);
    return {
      prometheusReload, alertmanagerReload,
      prometheus: { timeToNotifyMs: promFiring.receivedAt - reloadedAt, boundMs: promT.bound, notifications: [promFiring] },
      alertmanager: { timeToNotifyMs: amFiring.receivedAt - reloadedAt, boundMs: amT.bound, notifications: [amFiring] },
      prometheusConfigUnchanged: (await getJson(`${stack.prometheusUrl}/api/v1/status/config`)).data.yaml === loadedProm,
      scrapedAfterReload: scraped.length === 1 && scraped[0].value * 1000 > reloadedAtWall + promT.forMs,
      alertmanagerConfigUnchanged: (await getJson(`${stack.alertmanagerUrl}/api/v2/status`)).config.original === loadedAm,
      receivers: [promFiring, amFiring].map((n) => n.payload.receiver),
      expectedReceiver: amT.receiver,
    };
  });
}

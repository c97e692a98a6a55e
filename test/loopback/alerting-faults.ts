// Fault scenarios in the alerting path itself: an Alertmanager peer lost mid-incident, the receiver
// failing, Prometheus restarted, a bad config reloaded. What every scenario shares, the timing overrides
// included, is in faults.ts.
import * as fs from "fs";
import { parse, stringify } from "yaml";
import { ALERTMANAGER_PEER_TIMEOUT_SECONDS, alertmanagerContract } from "../../components/alertmanager/contract";
import { nodeExporterContract } from "../../components/node-exporter/contract";
import { prometheusContract } from "../../components/prometheus/contract";
import { alertTimings, amAlerts, carries, metricSum, SLACK_MS, Timed, waitClusterMembers, waitPromAlertState, withStack } from "./faults";
import { crashProcess, getJson, now, pollUntil, sleep, stopProcess } from "./processes";
import { promQuery, waitForJobUp } from "./stack";

/** How long each peer position waits before notifying (the component keeps Alertmanager's default). */
const PEER_TIMEOUT_MS = ALERTMANAGER_PEER_TIMEOUT_SECONDS * 1000;
/** Prometheus' --rules.alert.resend-delay default: how often firing alerts are sent again. */
const RESEND_DELAY_MS = 60_000;

// ---------------------------------------------------------------------------------------------------
// Alertmanager gossip cluster loses a peer mid-incident

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
    await waitForJobUp(stack, nodeExporterContract.job, 2 * t.scrapeMs + SLACK_MS);

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
// The receiver fails for a while

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
    await waitForJobUp(stack, nodeExporterContract.job, 2 * t.scrapeMs + SLACK_MS);
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
// Prometheus restarts while an alert is pending, and again while it is firing

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
    await waitForJobUp(stack, nodeExporterContract.job, 2 * t.scrapeMs + SLACK_MS);
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
// A bad config pushed to running Prometheus and Alertmanager

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
    for (const job of [prometheusContract.job, alertmanagerContract.job, nodeExporterContract.job]) await waitForJobUp(stack, job, 2 * promT.scrapeMs + SLACK_MS);
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

    const scraped = await promQuery(stack, `timestamp(up{job="${nodeExporterContract.job}"} == 1)`);
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

// Faults on loopback, with the real binaries and the rendered configuration (the scenarios are in
// test/loopback/alerting-faults.ts and target-faults.ts; test/loopback/faults.ts says what they override:
// 5 s scrape and evaluation intervals everywhere, a 10 s group_interval in dev, webhook-only channels in
// prod; `for`, group_wait and repeat_interval as rendered).
// The scenarios share nothing but the machine, so they run concurrently, each on a stack of its own; the
// longest (the ML exporter's 2 m `for` after its 30 s cache) sets the wall time, about 3.5 minutes.
// Each test prints its time-to-notify; bench/faults.ts reruns them and prints the figures.
import * as fs from "fs";
import { alertmanagerPeerLoss, badConfigReload, prometheusRestart, receiverOutage } from "../loopback/alerting-faults";
import { alertsNamed, notificationsPerGroup, PROD_WEBHOOK_ONLY, renderForFaults } from "../loopback/faults";
import { stopAllProcesses } from "../loopback/processes";
import { mlExporterDown, probeTargetDown } from "../loopback/target-faults";
import { summarise } from "../loopback/webhook-receiver";

/** Headroom over each bound computed from the rendered config, for a loaded 2-core machine. */
const SLACK_MS = 20_000;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let dev: string;
let prod: string;

beforeAll(() => {
  dev = renderForFaults("dev");
  prod = renderForFaults("prod", PROD_WEBHOOK_ONLY);
});

afterAll(async () => {
  await stopAllProcesses(); // anything a failed scenario left behind
  for (const dir of [dev, prod]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("faults on loopback", () => {
  test.concurrent("Alertmanager cluster: a peer killed mid-incident → exactly one notification; restarted → the cluster converges, no re-notification", async () => {
    const run = await alertmanagerPeerLoss(prod);
    console.log(`peer loss: time-to-notify ${s(run.timeToNotifyMs)} (bound ${s(run.boundMs)}); peer ${run.killedPeer} killed; members while down ${run.membersWhileDown.join("/")}; `
      + `converged ${s(run.convergeMs)} after the restart; restarted peer quiet for ${s(run.restartedPeerQuietMs)}; notifications: ${summarise(run.notifications)}`);
    expect(run.peers).toBe(3);
    // Exactly one notification per alert group, and the only group is NodeDown, firing.
    expect(Object.values(notificationsPerGroup(run.notifications))).toEqual([1]);
    expect(alertsNamed(run.notifications, "NodeDown").map((a) => a.status)).toEqual(["firing"]);
    expect(run.timeToNotifyMs).toBeLessThanOrEqual(run.boundMs + SLACK_MS);
    // The survivors noticed the loss, and every peer (and Prometheus, scraping them) sees the whole cluster again.
    expect(run.membersWhileDown.filter((m) => m !== -1)).toEqual([2, 2]);
    expect(run.membersAfter).toEqual([3, 3, 3]);
    expect(run.membersInPrometheus).toEqual([3, 3, 3]);
    expect(run.restartedPeerQuietMs).toBeGreaterThan(40_000);
  }, 420_000);

  test.concurrent("receiver returns HTTP 500 for a while → Alertmanager retries → delivered once it recovers, once", async () => {
    const run = await receiverOutage(dev);
    console.log(`receiver outage: time-to-notify ${s(run.timeToNotifyMs)} including the outage (bound ${s(run.boundMs)}); ${run.refused} attempts refused over ${s(run.outageMs)}; `
      + `delivered ${s(run.recoveryToDeliveryMs)} after recovery; Alertmanager counted ${run.failedRequests} failed requests in ${run.failedNotifications} failed notifications`);
    expect(run.refused).toBeGreaterThanOrEqual(3);
    // Every refused attempt is one Alertmanager counted (and alerts on), across at least two flushes.
    expect(run.failedRequests).toBe(run.refused);
    expect(run.failedNotifications).toBeGreaterThanOrEqual(2);
    expect(alertsNamed(run.notifications, "NodeDown").map((a) => a.status)).toEqual(["firing"]);
    expect(Object.values(notificationsPerGroup(run.notifications))).toEqual([1]);
    // Backoff between retries stays short; the next attempt after recovery is seconds away, not a group_interval.
    expect(run.recoveryToDeliveryMs).toBeLessThan(15_000);
    expect(run.timeToNotifyMs).toBeLessThanOrEqual(run.boundMs + SLACK_MS);
  }, 420_000);

  test.concurrent("Prometheus restarted while NodeDown is pending, then while it fires → it fires, stays firing, and is not notified again", async () => {
    const run = await prometheusRestart(dev);
    console.log(`prometheus restarts: time-to-notify ${s(run.timeToNotifyMs)} (bound ${s(run.boundMs)}); restarts took ${run.restartsMs.map(s).join(", ")}; `
      + `firing again ${s(run.refiredMs)} after the restart while firing; watched ${s(run.watchedMs)} for a repeat (repeat_interval ${s(run.repeatIntervalMs)})`);
    expect(alertsNamed(run.notifications, "NodeDown").map((a) => a.status)).toEqual(["firing"]);
    expect(run.notifications).toHaveLength(1);
    // Alertmanager kept the alert active through the restart, with the incident's original start.
    expect(run.activeThroughout).toBe(true);
    expect(run.startsAtAfter).toBe(run.startsAtBefore);
    // The watch covered the re-fire and two group_interval ticks; anything sent would have been a repeat
    // before repeat_interval.
    expect(run.watchedMs).toBeLessThan(run.repeatIntervalMs);
    expect(run.timeToNotifyMs).toBeLessThanOrEqual(run.boundMs + SLACK_MS);
  }, 420_000);

  test.concurrent("a blackbox probe target goes down → EndpointProbeFailed", async () => {
    const run = await probeTargetDown(dev);
    console.log(`probe down: time-to-notify ${s(run.timeToNotifyMs)} (bound ${s(run.boundMs)}); ${run.renderedTarget} probed at ${run.probedUrl}`);
    expect(run.alert.labels).toMatchObject({ alertname: "EndpointProbeFailed", instance: run.probedUrl, job: "blackbox-http", probe: "api-health", severity: "critical" });
    expect(run.timeToNotifyMs).toBeLessThanOrEqual(run.boundMs + SLACK_MS);
  }, 420_000);

  test.concurrent("the ML service goes down → MLExporterUpstreamDown; an ML exporter goes down → ExporterDown; each for its instance only", async () => {
    const run = await mlExporterDown(dev);
    console.log(`ML: MLExporterUpstreamDown time-to-notify ${s(run.upstreamDown.timeToNotifyMs)} (bound ${s(run.upstreamDown.boundMs)}), `
      + `ExporterDown ${s(run.exporterDown.timeToNotifyMs)} (bound ${s(run.exporterDown.boundMs)})`);
    expect(new Set(run.upstreamDown.alerts.map((a) => a.labels.instance))).toEqual(new Set([run.upstreamDownInstance]));
    expect(new Set(run.exporterDown.alerts.map((a) => a.labels.instance))).toEqual(new Set([run.exporterDownInstance]));
    expect(run.upstreamDown.timeToNotifyMs).toBeLessThanOrEqual(run.upstreamDown.boundMs + SLACK_MS);
    expect(run.exporterDown.timeToNotifyMs).toBeLessThanOrEqual(run.exporterDown.boundMs + SLACK_MS);
  }, 420_000);

  test.concurrent("a bad config pushed to Prometheus and Alertmanager → reload refused, reload-failed alerts notified, old config keeps working", async () => {
    const run = await badConfigReload(dev);
    console.log(`bad reload: PrometheusConfigReloadFailed time-to-notify ${s(run.prometheus.timeToNotifyMs)} (bound ${s(run.prometheus.boundMs)}), `
      + `AlertmanagerConfigReloadFailed ${s(run.alertmanager.timeToNotifyMs)} (bound ${s(run.alertmanager.boundMs)}); reloads answered ${run.prometheusReload.status} / ${run.alertmanagerReload.status}`);
    expect(run.prometheusReload.status).toBe(500);
    expect(run.prometheusReload.body).toMatch(/multiple scrape configs with job name/);
    expect(run.alertmanagerReload.status).toBe(500);
    expect(run.alertmanagerReload.body).toMatch(/undefined receiver "nowhere"/);
    expect(run.prometheusConfigUnchanged).toBe(true);
    expect(run.scrapedAfterReload).toBe(true);
    expect(run.alertmanagerConfigUnchanged).toBe(true);
    // Delivered through the old routing (the new one would have failed to load).
    expect(run.receivers).toEqual([run.expectedReceiver, run.expectedReceiver]);
    expect(run.prometheus.timeToNotifyMs).toBeLessThanOrEqual(run.prometheus.boundMs + SLACK_MS);
    expect(run.alertmanager.timeToNotifyMs).toBeLessThanOrEqual(run.alertmanager.boundMs + SLACK_MS);
  }, 420_000);
});

// End to end on loopback: the rendered dev stack's Prometheus, Alertmanager, node_exporter and
// blackbox_exporter run as real processes; node_exporter is stopped, and the NodeDown notification must
// reach the webhook receiver once, then resolve once node_exporter is back. Intervals are the rendered
// ones (15 s scrape and evaluation), so this takes about two minutes.
import * as fs from "fs";
import { NODE_DOWN_LABELS, nodeDownBound, NodeDownRun, runNodeDown } from "../loopback/node-down";
import { getJson, pollUntil, stopAllProcesses } from "../loopback/processes";
import { LoopbackStack, renderDevStack, startLoopbackStack, waitForJobUp } from "../loopback/stack";
import { ReceivedNotification, summarise } from "../loopback/webhook-receiver";

const SLACK_MS = 20_000; // headroom over the computed bounds for a loaded 2-core machine; the bench enforces the bound itself
// Above the sum of the bounded waits in the scenario (≈ 4.5 min at worst), so a slow run fails at the
// wait that was slow, with its message, not at jest's timeout. A normal run takes about 2 minutes.
const SCENARIO_TIMEOUT_MS = 300_000;

let renderedDir: string;
let stack: LoopbackStack | undefined;
let bound: ReturnType<typeof nodeDownBound>;
let run: NodeDownRun;

beforeAll(async () => {
  renderedDir = renderDevStack();
  bound = nodeDownBound(renderedDir);
  stack = await startLoopbackStack(renderedDir);
});

afterAll(async () => {
  await stack?.stop();
  await stopAllProcesses(); // anything a failed start or restart left behind
  fs.rmSync(renderedDir, { recursive: true, force: true });
});

test("every job kept in the loopback config scrapes its process through the rendered relabel rules", async () => {
  for (const job of Object.keys(stack!.targets)) {
    const series = await waitForJobUp(stack!, job, 2 * bound.scrapeMs + SLACK_MS);
    expect(series).toEqual([expect.objectContaining({ job })]);
  }
}, 4 * (2 * 15_000 + SLACK_MS));

test("a stopped node_exporter raises NodeDown at the webhook once, and its return resolves it", async () => {
  run = await runNodeDown(stack!, {
    resolve: true,
    // Resolving takes the failed scrape and evaluation again, then the group's next group_interval tick.
    timeouts: { upMs: 2 * bound.scrapeMs + SLACK_MS, notifyMs: bound.boundMs + SLACK_MS, resolveMs: 2 * bound.scrapeMs + bound.groupIntervalMs + SLACK_MS },
  });
  console.log(`NodeDown: time-to-notify ${(run.timeToNotifyMs / 1000).toFixed(1)} s (bound ${bound.boundMs / 1000} s; firing in Prometheus after ${(run.firedMs / 1000).toFixed(1)} s), `
    + `time-to-resolve ${(run.timeToResolveMs! / 1000).toFixed(1)} s; notifications: ${summarise(stack!.receiver.notifications)}`);

  // Relabelling made the node name the instance, as in the cluster.
  expect(run.upBefore).toEqual([expect.objectContaining({ job: "node-exporter", instance: NODE_DOWN_LABELS.instance })]);

  const nodeDownAlerts = (n: ReceivedNotification) => n.payload.alerts.filter((a) => a.labels.alertname === "NodeDown");
  expect(nodeDownAlerts(run.firing)).toEqual([expect.objectContaining({ status: "firing", labels: expect.objectContaining(NODE_DOWN_LABELS) })]);
  expect(nodeDownAlerts(run.resolved!)).toEqual([expect.objectContaining({ status: "resolved", labels: expect.objectContaining(NODE_DOWN_LABELS) })]);
  expect(run.firing.payload.receiver).toBe(bound.receiver);

  // Exactly one firing NodeDown notification before the resolve: no duplicates.
  const firingBeforeResolve = stack!.receiver.notifications.filter((n) => n.receivedAt < run.resolved!.receivedAt
    && n.payload.alerts.some((a) => a.labels.alertname === "NodeDown" && a.status === "firing"));
  expect(firingBeforeResolve).toHaveLength(1);
}, SCENARIO_TIMEOUT_MS);

test("the Watchdog goes to the heartbeat receiver, which has no integration in dev, never to the webhook", async () => {
  // The Watchdog fires on the first evaluation; after the scenario it has been firing for minutes.
  const alertsUrl = `${stack!.alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent('alertname="Watchdog"')}`;
  const watchdogs = await pollUntil(async () => {
    const alerts = await getJson<Array<{ receivers: Array<{ name: string }> }>>(alertsUrl);
    return alerts.length > 0 ? alerts : undefined;
  }, { timeoutMs: 2 * bound.scrapeMs + SLACK_MS, describe: () => "Alertmanager has no Watchdog alert" });
  expect(watchdogs.map((a) => a.receivers.map((r) => r.name))).toEqual([["heartbeat"]]);
  const webhookAlertNames = stack!.receiver.notifications.flatMap((n) => n.payload.alerts.map((a) => a.labels.alertname));
  expect(webhookAlertNames).not.toContain("Watchdog");
});

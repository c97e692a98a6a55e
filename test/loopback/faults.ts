// What the fault scenarios (alerting-faults.ts, target-faults.ts) share. Each scenario injects a fault into
// the rendered stack running on 127.0.0.1, on a stack of its own, and returns what it measured
// (time-to-notify first of all) for test/e2e/faults.test.ts to assert on and bench/faults.ts to print.
// Every wait is bounded; every process is started and stopped by PID through processes.ts.
//
// Timings: the scenarios run the rendered configuration with the overrides in fastTimings (5 s scrape and
// evaluation intervals; in dev a 10 s group_interval), set through the stack's own config keys as `--set`
// would; no scenario is about those intervals, and 15 s / 1 m would make each one minutes longer. prod keeps
// its 5 m group_interval (a gossip cluster needs one longer than its peers' wait; stacks/schema/alertmanager.ts checks
// it). Alert `for` durations, group_wait, repeat_interval and everything else are as rendered.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { renderToTempDir } from "../helpers/rendered";
import { getJson, pollUntil, removeOnExit } from "./processes";
import { effectiveRoute, findAlertRule, durationMs } from "./rendered-timings";
import { LoopbackOptions, LoopbackStack, startLoopbackStack } from "./stack";
import { ReceivedNotification, WebhookAlert } from "./webhook-receiver";

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

/** Headroom over each computed wait, for a loaded 2-core machine. */
export const SLACK_MS = 30_000;

/** A rendered stack in a temp dir (removed at exit at the latest), with fastTimings and `extra` overrides. */
export function renderForFaults(stack: "dev" | "prod", extra: Record<string, string> = {}): string {
  return removeOnExit(renderToTempDir(stack, { ...fastTimings(stack), ...extra }));
}

/** A file of the rendered tree, by its path segments under `dir`. */
export const readRendered = (dir: string, ...p: string[]) => fs.readFileSync(path.join(dir, ...p), "utf8");

/** Timings of an alert's path, from the rendered rule files, prometheus.yml and alertmanager.yml. */
export function alertTimings(renderedDir: string, alertname: string) {
  const rules = fs.readdirSync(path.join(renderedDir, "prometheus", "rules")).map((f) => readRendered(renderedDir, "prometheus", "rules", f));
  const rule = findAlertRule(rules, alertname);
  const prom = parse(readRendered(renderedDir, "prometheus", "prometheus.yml"));
  const route = effectiveRoute(readRendered(renderedDir, "alertmanager", "alertmanager.yml"), { ...prom.global.external_labels, ...rule.labels, alertname });
  const scrapeMs = durationMs(prom.global.scrape_interval);
  const evalMs = durationMs(prom.global.evaluation_interval);
  const forMs = durationMs(rule.for ?? "0s");
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
export const amAlerts = (baseUrl: string, alertname: string) =>
  getJson<AmAlert[]>(`${baseUrl}/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=${encodeURIComponent(`alertname="${alertname}"`)}`);

interface PromAlert {
  labels: Labels;
  state: "pending" | "firing";
  activeAt: string;
}
const promAlerts = async (stack: LoopbackStack, alertname: string) =>
  (await getJson<{ data: { alerts: PromAlert[] } }>(`${stack.prometheusUrl}/api/v1/alerts`)).data.alerts.filter((a) => a.labels.alertname === alertname);

export async function waitPromAlertState(stack: LoopbackStack, alertname: string, state: PromAlert["state"], timeoutMs: number): Promise<PromAlert> {
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

export async function waitClusterMembers(urls: string[], members: number, timeoutMs: number): Promise<number[]> {
  let last: number[] = [];
  return pollUntil(async () => {
    last = await Promise.all(urls.map((u) => metricSum(u, "alertmanager_cluster_members").catch(() => -1)));
    return last.every((m) => m === members) ? last : undefined;
  }, { timeoutMs, intervalMs: 250, describe: () => `alertmanager_cluster_members per peer: ${last.join(", ")} (want ${members} each)` });
}

/** Runs `fn` against a fresh stack and always stops it. */
export async function withStack<T>(renderedDir: string, options: LoopbackOptions, fn: (stack: LoopbackStack) => Promise<T>): Promise<T> {
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

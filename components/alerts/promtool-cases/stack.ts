// promtool cases of the alerts on the stack itself (rules/stack.ts).
import { alertmanagerContract } from "../../alertmanager/contract";
import { blackboxExporterContract } from "../../blackbox-exporter/contract";
import { AlertTestSeries } from "../types";
import {
  aboveThresholdCases,
  CaseBuilder,
  constant,
  counter,
  failureCountCases,
  failureRatioScenario,
  gaugeCases,
  Labels,
  Scenario,
  SCRAPE_INTERVAL_SECONDS,
  sustainedCases,
  thresholdOf,
  zeroCases,
} from "./series";
import { rateWindows } from "../rules/selectors";
import { alertmanager, kubelet, kubeStateMetrics, mlExporter, node, prometheus } from "./targets";

const notifier: Labels = { ...prometheus, alertmanager: `http://alertmanager-0.alertmanager:${alertmanagerContract.ports.web}/api/v2/alerts` };
const ruleGroup: Labels = { ...prometheus, rule_group: "/etc/prometheus/rules/application.yml;application.alerts" };
const integration: Labels = { ...alertmanager(0), integration: "webhook" };
/** Targets of the job whose share down TargetDown's cases set: fine enough for a threshold of 0.01. */
const TARGETS_IN_JOB = 100;
/** `total` kubelet targets of which `down` are down. */
const targets = (total: number, down: number): Scenario => ({
  what: `${down} of ${total} kubelet targets are down`,
  series: Array.from({ length: total }, (_, i) => constant("up", kubelet(i), i < down ? 0 : 1)),
});
/** What each of three Alertmanager peers reports as the cluster's size. */
const peersSee = (seen: [number, number, number]): Scenario => ({
  what: `the three peers see ${seen.join("/")} members`,
  series: seen.map((members, peer) => constant("alertmanager_cluster_members", alertmanager(peer), members)),
});
const probe: Labels = { instance: "https://api.novacron.example/healthz", job: blackboxExporterContract.probeJobs.http_2xx };
/** Notification attempts: 100 per scrape, `failedPerHundred` of them failing. */
const prometheusSends = (failedPerHundred: number): AlertTestSeries[] => [
  counter("prometheus_notifications_sent_total", notifier, 100),
  counter("prometheus_notifications_errors_total", notifier, failedPerHundred),
];
const alertmanagerSends = (failedPerHundred: number): AlertTestSeries[] => [
  counter("alertmanager_notifications_total", integration, 100),
  counter("alertmanager_notifications_failed_total", { ...integration, reason: "serverError" }, failedPerHundred / 2),
  counter("alertmanager_notifications_failed_total", { ...integration, reason: "clientError" }, failedPerHundred / 2),
];

export const stackCases: Record<string, CaseBuilder> = {
  Watchdog: () => [{ description: "fires from the first evaluation", series: [], evalTime: "1m", fires: true }],
  TargetDown: (alert) => {
    // Of TARGETS_IN_JOB targets, the most that may be down without passing the threshold (as Prometheus
    // divides: in floating point), and one more.
    const threshold = thresholdOf(alert);
    let atThreshold = Math.floor(threshold * TARGETS_IN_JOB);
    while ((atThreshold + 1) / TARGETS_IN_JOB <= threshold) atThreshold++;
    while (atThreshold > 0 && atThreshold / TARGETS_IN_JOB > threshold) atThreshold--;
    return sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: targets(TARGETS_IN_JOB, atThreshold + 1),
      normal: [targets(TARGETS_IN_JOB, atThreshold)],
      labels: { job: kubelet(0).job },
    });
  },
  PrometheusConfigReloadFailed: (alert) => zeroCases("prometheus_config_last_reload_successful", prometheus, alert.for, "the last reload's success"),
  PrometheusRuleEvaluationFailures: (alert) => failureCountCases(alert, "prometheus_rule_evaluation_failures_total", ruleGroup, rateWindows.stack,
    { failing: "evaluations keep failing", none: "no evaluation fails", once: "a single evaluation failed once" }),
  PrometheusNotConnectedToAlertmanagers: (alert) =>
    gaugeCases("prometheus_notifications_alertmanagers_discovered", prometheus, alert.for, {
      breach: thresholdOf(alert) - 1,
      normal: thresholdOf(alert),
    }),
  PrometheusNotificationsFailing: (alert) =>
    aboveThresholdCases(alert, (ratio) => failureRatioScenario(ratio, prometheusSends), { activeFrom: SCRAPE_INTERVAL_SECONDS, labels: notifier }),
  AlertmanagerConfigReloadFailed: (alert) => zeroCases("alertmanager_config_last_reload_successful", alertmanager(0), alert.for, "the last reload's success"),
  AlertmanagerFailingToSendNotifications: (alert) =>
    aboveThresholdCases(alert, (ratio) => failureRatioScenario(ratio, alertmanagerSends), { activeFrom: SCRAPE_INTERVAL_SECONDS, labels: integration }),
  AlertmanagerClusterMembersInconsistent: (alert) =>
    sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: peersSee([2, 3, 3]),
      normal: [peersSee([3, 3, 3])],
      labels: alertmanager(0),
    }),
  ExporterDown: (alert) => [
    ...zeroCases("up", kubeStateMetrics, alert.for, "kube-state-metrics' up"),
    {
      description: "quiet when only node-exporter is down (NodeDown's job)",
      series: [constant("up", kubeStateMetrics, 1), constant("up", node, 0)],
      evalTime: "5m",
      fires: false,
    },
  ],
  MLExporterUpstreamDown: (alert) => zeroCases("ml_exporter_up", mlExporter, alert.for, "ml_exporter_up"),
  EndpointProbeFailed: (alert) => zeroCases("probe_success", probe, alert.for, "probe_success"),
};

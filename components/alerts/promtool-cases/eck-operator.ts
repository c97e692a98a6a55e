// promtool cases of the ECK operator's alerts (rules/eck-operator.ts). The series carry the labels
// controller-runtime v0.24.1 gives them (controller, result; the work queue's name, controller and priority)
// plus what the scrape adds.
import { AlertTestSeries } from "../types";
import { aboveThresholdCases, CaseBuilder, constant, counter, failureRatioScenario, Labels, Scenario, SCRAPE_INTERVAL_SECONDS, sustainedCases, thresholdOf } from "./series";
import { eckOperator, grafana } from "./targets";

const elasticsearchController = "elasticsearch-controller";
/** A controller's series labels: the workqueue's carry the controller's name twice (name and controller). */
const controller = (name: string): Labels => ({ ...eckOperator, controller: name });
const queue = (name: string): Labels => ({ ...controller(name), name });

/** Reconciles of the Elasticsearch controller: `failed` of every 100 end in an error; Kibana's controller all fine. */
const reconciles = (failed: number): AlertTestSeries[] => [
  counter("controller_runtime_reconcile_total", { ...controller(elasticsearchController), result: "success" }, (100 - failed) * 0.7),
  counter("controller_runtime_reconcile_total", { ...controller(elasticsearchController), result: "requeue_after" }, (100 - failed) * 0.3),
  counter("controller_runtime_reconcile_total", { ...controller(elasticsearchController), result: "error" }, failed),
  counter("controller_runtime_reconcile_errors_total", controller(elasticsearchController), failed),
  counter("controller_runtime_reconcile_total", { ...controller("kibana-controller"), result: "success" }, 10),
  counter("controller_runtime_reconcile_total", { ...controller("kibana-controller"), result: "error" }, 0),
  counter("controller_runtime_reconcile_errors_total", controller("kibana-controller"), 0),
];

/** `waiting` items in the Elasticsearch controller's queue, over two priorities (the priority queue's default); Kibana's queue empty. */
const depth = (waiting: number): Scenario => ({
  what: `${waiting} items wait in the queue`,
  series: [
    constant("workqueue_depth", { ...queue(elasticsearchController), priority: "0" }, Math.ceil(waiting / 2)),
    constant("workqueue_depth", { ...queue(elasticsearchController), priority: "-100" }, Math.floor(waiting / 2)),
    constant("workqueue_depth", { ...queue("kibana-controller"), priority: "0" }, 0),
  ],
});

/** The Elasticsearch controller's longest-running reconcile at `seconds`; Kibana's idle. */
const longestRunning = (seconds: number): Scenario => ({
  what: `the longest reconcile has run ${seconds}s`,
  series: [
    constant("workqueue_longest_running_processor_seconds", queue(elasticsearchController), seconds),
    constant("workqueue_longest_running_processor_seconds", queue("kibana-controller"), 0),
  ],
});

const firing = { job: eckOperator.job, controller: elasticsearchController };

export const eckOperatorCases: Record<string, CaseBuilder> = {
  EckOperatorDown: (alert) => [
    ...sustainedCases({
      for: alert.for,
      activeFrom: 0,
      breach: { what: "the operator's only target is down", series: [constant("up", eckOperator, 0)] },
      normal: [{ what: "the operator is up (and another job is down)", series: [constant("up", eckOperator, 1), constant("up", grafana, 0)] }],
      // absent() of a comparison carries no labels.
      labels: {},
    }),
    { description: `fires when no operator target is discovered at all for ${alert.for}`, series: [constant("up", grafana, 1)], evalTime: alert.for, fires: true, expectedLabels: {} },
  ],
  EckOperatorReconcileErrors: (alert) =>
    aboveThresholdCases(alert, (r) => failureRatioScenario(r, reconciles), { activeFrom: SCRAPE_INTERVAL_SECONDS, labels: firing }),
  EckOperatorWorkqueueBackingUp: (alert) => {
    const threshold = thresholdOf(alert);
    return sustainedCases({ for: alert.for, activeFrom: 0, breach: depth(threshold + 1), normal: [depth(threshold)], labels: firing });
  },
  EckOperatorReconcileStuck: (alert) => {
    const threshold = thresholdOf(alert);
    return sustainedCases({ for: alert.for, activeFrom: 0, breach: longestRunning(threshold + 1), normal: [longestRunning(threshold)], labels: firing });
  },
};

// The ECK operator watching itself (domain stack, only when the stack runs it): the operator that keeps
// Elasticsearch and Kibana reconciled (certificates, users, upgrades, scaling). Elasticsearch keeps serving
// while it is down or stuck, so these are warnings: nothing is lost yet, but no change and no certificate
// renewal reaches the clusters.
//
// Its metrics are controller-runtime's (ECK 3.5.0 pins sigs.k8s.io/controller-runtime v0.24.1; the names are
// proven from that source, components/grafana/metric-inventory.ts). Every controller's reconcile counters are
// initialised to 0 when it starts, so the first error is seen by rate(). No alert on the validating webhook:
// controller-runtime answers every admission request with HTTP 200 and puts the verdict (and any error) in the
// AdmissionReview body, so controller_runtime_webhook_requests_total{code="500"} stays flat on errors.
import { CatalogScope } from "../scope";
import { AlertThresholds } from "../thresholds";
import { AlertRule } from "../types";
import { jobs, rateWindows } from "./selectors";

/** ECK's controllers are one per resource kind (elasticsearch-controller, kibana-controller, …): alerts are per controller. */
const byController = "job, controller";

export function eckOperatorRules(t: AlertThresholds, scope: CatalogScope): AlertRule[] {
  if (!scope.eckOperator) return [];
  const stack = { domain: "stack" as const };
  const eck = `job="${jobs.eckOperator}"`;
  const rate = (metric: string) => `sum by (${byController}) (rate(${metric}{${eck}}[${rateWindows.stack}]))`;
  return [
    {
      ...stack,
      name: "EckOperatorDown",
      severity: "warning",
      // No operator target up, including none discovered at all (its StatefulSet scaled to 0 or deleted).
      expr: `absent(up{${eck}} == 1)`,
      // The chart runs one replica: a rollout or a node drain restarts it, which takes a minute or two.
      for: "10m",
      summary: "The ECK operator is down",
      description:
        "No ECK operator pod answers Prometheus' scrapes. Elasticsearch and Kibana keep running, but nothing reconciles them: changes to their resources, scaling, upgrades and certificate renewals wait until it is back, and its validating webhook does not check new resources.",
    },
    {
      ...stack,
      name: "EckOperatorReconcileErrors",
      severity: "warning",
      threshold: t.EckOperatorReconcileErrors,
      // Errors among all reconciles (reconcile_total counts errors too): the ratio is 0..1, and a quiet controller (0/0) is no alert.
      expr: `${rate("controller_runtime_reconcile_errors_total")} / ${rate("controller_runtime_reconcile_total")} > ${t.EckOperatorReconcileErrors}`,
      // As the prometheus-operator mixin's reconcile-error alert: the operator retries with back-off, 15m of errors is not a blip.
      for: "15m",
      summary: "The ECK operator's {{ $labels.controller }} fails to reconcile",
      description:
        "More of the ECK operator's {{ $labels.controller }} reconciles end in an error than the threshold allows: the resources it manages are not brought to their desired state. The operator's log names the resource and the error.",
    },
    {
      ...stack,
      name: "EckOperatorWorkqueueBackingUp",
      severity: "warning",
      threshold: t.EckOperatorWorkqueueBackingUp,
      // Depth counts items ready to reconcile that no worker has taken yet (delayed requeues are not in it).
      expr: `sum by (${byController}) (workqueue_depth{${eck}}) > ${t.EckOperatorWorkqueueBackingUp}`,
      // An operator restart enqueues every resource at once and drains them within minutes.
      for: "15m",
      summary: "The ECK operator's {{ $labels.controller }} queue is backing up",
      description:
        "More resources wait in the ECK operator's {{ $labels.controller }} work queue than the threshold allows, for a quarter of an hour: its workers do not keep up (slow Elasticsearch API calls, API-server throttling) or are stuck, and changes wait.",
    },
    {
      ...stack,
      name: "EckOperatorReconcileStuck",
      severity: "warning",
      threshold: t.EckOperatorReconcileStuck,
      expr: `max by (${byController}) (workqueue_longest_running_processor_seconds{${eck}}) > ${t.EckOperatorReconcileStuck}`,
      // The gauge grows while the reconcile runs; 5m more rides over a reconcile that is slow but ends.
      for: "5m",
      summary: "A reconcile of the ECK operator's {{ $labels.controller }} has been running for too long",
      description:
        "One of the ECK operator's {{ $labels.controller }} reconciles has been running longer than the threshold: it is stuck (a call to Elasticsearch or the API server that does not return) and holds one of the controller's workers. The resource it works on gets no further changes until it ends.",
    },
  ];
}

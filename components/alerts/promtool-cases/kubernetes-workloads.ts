// promtool cases of the workload alerts (rules/kubernetes-workloads.ts). The series carry the labels
// kube-state-metrics v2.16 and cAdvisor really export (test/tools/grafana-dashboards.test.ts proves the names).
import { cadvisorWorkloadLabels } from "../../cadvisor/contract";
import { durationSeconds } from "../../units";
import { failureWindows } from "../rules/selectors";
import { AlertRule, AlertTestCase, AlertTestSeries } from "../types";
import {
  aboveThresholdCases, CaseBuilder, constant, counter, countingCases, gaugeCases, Labels, num, sampled, Scenario, SCRAPE_INTERVAL_SECONDS,
  seriesSelector, sustainedCases, thresholdOf,
} from "./series";
import { cadvisor, kubeStateMetrics as ksm } from "./targets";

const namespace = "novacron";
const pod: Labels = { ...ksm, namespace, pod: "api-7d9f8c6b5-x2x9k", uid: "7f0c3a4e-1b2d-4c5e-9f80-a1b2c3d4e5f6" };
const container: Labels = { ...pod, container: "api" };
/** The labels a per-container alert keeps (its `by`). */
const perContainer: Labels = { namespace, pod: pod.pod, container: "api" };
const deployment: Labels = { ...ksm, namespace, deployment: "api" };
const statefulset: Labels = { ...ksm, namespace, statefulset: "postgres" };
const daemonset: Labels = { ...ksm, namespace: "monitoring-host", daemonset: "node-exporter" };
const hpa: Labels = { ...ksm, namespace, horizontalpodautoscaler: "api" };
const cronjob: Labels = { ...ksm, namespace, cronjob: "backup" };
const quota: Labels = { ...ksm, namespace, resourcequota: "compute", resource: "requests.memory" };
const phases = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

/** One of a kind's gauges, as a constant series. */
const gauges = (labels: Labels, values: Record<string, number>): AlertTestSeries[] =>
  Object.entries(values).map(([metric, value]) => constant(metric, labels, value));

/** A counter of progress that moves every minute: a rollout under way. */
const progressing = (metric: string, labels: Labels): AlertTestSeries => sampled(metric, labels, (s) => Math.floor(s / 60));

/** kube_pod_status_phase as KSM writes it: one series per phase, 1 on the pod's own. */
const phaseOf = (labels: Labels, phase: string): AlertTestSeries[] =>
  phases.map((p) => constant("kube_pod_status_phase", { ...labels, phase: p }, p === phase ? 1 : 0));

/** An alert on a condition of constant gauges: fires after `for`, pending just before, quiet on each normal state. */
const stateCases = (alert: AlertRule, breach: Scenario, normal: Scenario[], labels: Labels): AlertTestCase[] =>
  sustainedCases({ for: alert.for, activeFrom: 0, breach, normal, labels });

/**
 * Cases for `time() - <timestamp> > T` alerts. promtool's clock starts at 0, so a timestamp of −(T + 1) is T + 1
 * seconds old from the first evaluation on; the quiet case's timestamp is exactly T old when it is evaluated.
 */
function ageCases(alert: AlertRule, scenario: (timestamp: number) => Scenario, normal: Scenario[], labels: Labels): AlertTestCase[] {
  const threshold = thresholdOf(alert);
  const quietAt = durationSeconds(alert.for) + 5 * 60; // when sustainedCases evaluates the normal scenarios
  const atThreshold = scenario(quietAt - threshold);
  return sustainedCases({
    for: alert.for,
    activeFrom: 0,
    breach: { ...scenario(-(threshold + 1)), what: `${scenario(0).what} ${num(threshold + 1)}s ago` },
    normal: [{ ...atThreshold, what: `${atThreshold.what} exactly ${num(threshold)}s ago` }, ...normal],
    labels,
  });
}

/** Two nodes of `perNode` each (one of them when `nodes` is 1), and pods requesting `requested` in all. */
function overcommitScenario(resource: "cpu" | "memory", unit: number, requested: number, nodes: 1 | 2): Scenario {
  const unitLabel = resource === "cpu" ? "core" : "byte";
  const node = (i: number) => constant("kube_node_status_allocatable", { ...ksm, node: `node-${i}`, resource, unit: unitLabel }, 4 * unit);
  const podRequesting = (name: string, phase: string, amount: number) => {
    const labels = { ...ksm, namespace, pod: name, uid: `uid-${name}` };
    return [
      constant("kube_pod_container_resource_requests", { ...labels, container: "main", node: "node-1", resource, unit: unitLabel }, amount * unit),
      ...phaseOf(labels, phase),
    ];
  };
  return {
    what: `pods request ${num(requested)} of ${nodes === 2 ? "2 nodes of 4 each (a finished pod requests 8 more)" : "1 node of 4"}`,
    series: [
      ...Array.from({ length: nodes }, (_, i) => node(i + 1)),
      ...podRequesting("api-1", "Running", requested / 2),
      ...podRequesting("api-2", "Pending", requested / 2),
      // A finished pod's requests are reported until it is deleted, yet it holds nothing.
      ...podRequesting("migrate-1", "Succeeded", 8),
    ],
  };
}

const overcommitCases = (resource: "cpu" | "memory", unit: number): CaseBuilder => (alert) =>
  stateCases(alert, overcommitScenario(resource, unit, 4.5, 2), [overcommitScenario(resource, unit, 4, 2), overcommitScenario(resource, unit, 6, 1)], {});

/**
 * cAdvisor's series of a container: the workload in its runtime labels, the plain namespace and pod those of the
 * cAdvisor pod (its scrape target); the rule's label_replace must put the workload's in their place.
 */
const cadvisorContainer = (name: string): Labels => ({
  ...cadvisor,
  namespace: "monitoring-host",
  pod: "cadvisor-7xk2p",
  id: `/kubepods/burstable/pod${pod.uid}/${name}`,
  [cadvisorWorkloadLabels.container]: name,
  [cadvisorWorkloadLabels.pod]: pod.pod,
  [cadvisorWorkloadLabels.namespace]: namespace,
});

/** CFS periods are 100ms: 150 per 15s scrape, `throttled` of them throttled; the sandbox is always throttled. */
function throttlingScenario(throttled: number): Scenario {
  const periods = 150;
  const cfs = (labels: Labels, share: number) => [
    counter("container_cpu_cfs_periods_total", labels, periods),
    counter("container_cpu_cfs_throttled_periods_total", labels, periods * share),
  ];
  return {
    what: `${num(throttled * 100)}% of the container's CFS periods are throttled (the pod's sandbox 100%)`,
    series: [...cfs(cadvisorContainer("api"), throttled), ...cfs(cadvisorContainer("POD"), 1)],
  };
}

function quotaScenario(used: number): Scenario {
  const hard = 1000 * 2 ** 20;
  return {
    what: `the quota is ${num(used * 100)}% used (another has no hard limit)`,
    series: [
      constant("kube_resourcequota", { ...quota, type: "used" }, Math.round(used * hard)),
      constant("kube_resourcequota", { ...quota, type: "hard" }, hard),
      constant("kube_resourcequota", { ...quota, resource: "count/configmaps", type: "used" }, 40),
      constant("kube_resourcequota", { ...quota, resource: "count/configmaps", type: "hard" }, 0),
    ],
  };
}

/** A CronJob-owned Job that failed after starting at 1000s, the CronJob last succeeding at `lastSuccess`. */
function failedJobScenario(failed: boolean, lastSuccess: number): Scenario {
  const job: Labels = { ...ksm, namespace, job_name: "backup-29312640" };
  return {
    what: `a Job of CronJob backup ${failed ? "failed" : "succeeded"}, the CronJob last succeeding ${lastSuccess > 1000 ? "after" : "before"} it started`,
    series: [
      ...["true", "false", "unknown"].map((condition) => constant("kube_job_failed", { ...job, condition }, condition === (failed ? "true" : "false") ? 1 : 0)),
      constant("kube_job_status_start_time", job, 1000),
      constant("kube_job_owner", { ...job, owner_kind: "CronJob", owner_name: "backup", owner_is_controller: "true" }, 1),
      constant("kube_cronjob_status_last_successful_time", cronjob, lastSuccess),
    ],
  };
}

/** A Job started at `startedAt` (seconds on promtool's clock), active or finished. */
function jobRunning(active: boolean): (startedAt: number) => Scenario {
  const job: Labels = { ...ksm, namespace, job_name: "reindex" };
  return (startedAt) => ({
    what: active ? "a Job is active, started" : "a finished Job started",
    series: [constant("kube_job_status_start_time", job, startedAt), constant("kube_job_status_active", job, active ? 1 : 0)],
  });
}

/** Deployment and StatefulSet generation cases: the controller one generation behind, or caught up. */
const generationCases = (kind: "deployment" | "statefulset", labels: Labels): CaseBuilder => (alert) =>
  stateCases(
    alert,
    { what: `the ${kind} controller observed generation 3 of 4`, series: gauges(labels, { [`kube_${kind}_status_observed_generation`]: 3, [`kube_${kind}_metadata_generation`]: 4 }) },
    [{ what: `the ${kind} controller observed generation 4 of 4`, series: gauges(labels, { [`kube_${kind}_status_observed_generation`]: 4, [`kube_${kind}_metadata_generation`]: 4 }) }],
    labels,
  );

export const kubernetesWorkloadCases: Record<string, CaseBuilder> = {
  KubePodCrashLooping: (alert) => {
    // In a crash loop the container runs briefly between back-offs: the waiting series is missing one scrape in four.
    const looping = (reason: string): AlertTestSeries => ({
      series: seriesSelector("kube_pod_container_status_waiting_reason", { ...container, reason }),
      values: Array.from({ length: 2 * 60 * 4 / 4 }, () => "1x2 _").join(" "),
    });
    return stateCases(
      alert,
      { what: "the container waits in CrashLoopBackOff (running between back-offs)", series: [looping("CrashLoopBackOff")] },
      [{ what: "the container waits in ContainerCreating", series: [looping("ContainerCreating")] }],
      { ...container, reason: "CrashLoopBackOff" },
    );
  },
  KubePodNotReady: (alert) => {
    const owned = (kind: string, phase: string): AlertTestSeries[] => [
      ...phaseOf(pod, phase),
      constant("kube_pod_owner", { ...pod, owner_kind: kind, owner_name: kind === "Job" ? "migrate" : "api-7d9f8c6b5", owner_is_controller: "true" }, 1),
    ];
    return stateCases(
      alert,
      { what: "a ReplicaSet's pod is Pending", series: owned("ReplicaSet", "Pending") },
      [
        { what: "a ReplicaSet's pod is Running", series: owned("ReplicaSet", "Running") },
        { what: "a Job's pod is Pending (the Job alerts cover it)", series: owned("Job", "Pending") },
      ],
      { namespace, pod: pod.pod, owner_kind: "ReplicaSet" },
    );
  },
  KubePodOOMKilled: (alert) => {
    const restartAt = 60;
    // The quiet restart happens `for` before the quiet evaluation's 5 minutes, so the window holds it then.
    const quietRestartAt = restartAt + durationSeconds(alert.for);
    const restarted = (at: number, reason: string): Scenario => ({
      what: `the container restarted at ${at}s, last terminated ${reason}`,
      series: [
        sampled("kube_pod_container_status_restarts_total", container, (s) => (s >= at ? 1 : 0)),
        constant("kube_pod_container_status_last_terminated_reason", { ...container, reason }, 1),
      ],
    });
    return sustainedCases({
      for: alert.for,
      activeFrom: restartAt,
      breach: restarted(restartAt, "OOMKilled"),
      normal: [
        restarted(quietRestartAt, "Error"),
        {
          what: `the container was OOM killed longer than ${failureWindows.KubePodOOMKilled} ago`,
          series: [
            constant("kube_pod_container_status_restarts_total", container, 1),
            constant("kube_pod_container_status_last_terminated_reason", { ...container, reason: "OOMKilled" }, 1),
          ],
        },
      ],
      labels: perContainer,
    });
  },
  KubeContainerRestartingOften: (alert) =>
    countingCases({
      metric: "kube_pod_container_status_restarts_total",
      // A StatefulSet's pod keeps its name when recreated: restarts of both incarnations count.
      labels: { ...ksm, namespace, pod: pod.pod, container: "api" },
      split: { label: "uid", values: ["uid-before", "uid-after"] },
      threshold: thresholdOf(alert),
      window: failureWindows.KubeContainerRestartingOften,
      for: alert.for,
      expectedLabels: perContainer,
    }),

  KubeDeploymentGenerationMismatch: generationCases("deployment", deployment),
  KubeDeploymentReplicasMismatch: (alert) => {
    const replicas = (available: number, updated: AlertTestSeries) => [
      ...gauges(deployment, { kube_deployment_spec_replicas: 3, kube_deployment_status_replicas_available: available }),
      updated,
    ];
    return stateCases(
      alert,
      { what: "2 of 3 replicas are available and no rollout moves", series: replicas(2, constant("kube_deployment_status_replicas_updated", deployment, 3)) },
      [
        { what: "3 of 3 replicas are available", series: replicas(3, constant("kube_deployment_status_replicas_updated", deployment, 3)) },
        { what: "2 of 3 replicas are available during a rollout", series: replicas(2, progressing("kube_deployment_status_replicas_updated", deployment)) },
      ],
      deployment,
    );
  },
  KubeDeploymentRolloutStuck: (alert) => {
    const progressingIs = (status: string): AlertTestSeries[] =>
      ["true", "false", "unknown"].map((s) => constant("kube_deployment_status_condition", { ...deployment, condition: "Progressing", status: s }, s === status ? 1 : 0));
    return stateCases(
      alert,
      { what: "the Deployment's Progressing condition is False (deadline exceeded)", series: progressingIs("false") },
      [{ what: "the Deployment's Progressing condition is True", series: progressingIs("true") }],
      { ...deployment, condition: "Progressing", status: "false" },
    );
  },

  KubeStatefulSetGenerationMismatch: generationCases("statefulset", statefulset),
  KubeStatefulSetReplicasMismatch: (alert) => {
    const replicas = (ready: number, updated: AlertTestSeries) => [
      ...gauges(statefulset, { kube_statefulset_replicas: 3, kube_statefulset_status_replicas_ready: ready }),
      updated,
    ];
    return stateCases(
      alert,
      { what: "2 of 3 replicas are ready and no update moves", series: replicas(2, constant("kube_statefulset_status_replicas_updated", statefulset, 3)) },
      [
        { what: "3 of 3 replicas are ready", series: replicas(3, constant("kube_statefulset_status_replicas_updated", statefulset, 3)) },
        { what: "2 of 3 replicas are ready during an update", series: replicas(2, progressing("kube_statefulset_status_replicas_updated", statefulset)) },
      ],
      statefulset,
    );
  },
  KubeStatefulSetUpdateNotRolledOut: (alert) => {
    const revisions = (current: string, update: string, updated: AlertTestSeries): AlertTestSeries[] => [
      constant("kube_statefulset_status_current_revision", { ...statefulset, revision: current }, 1),
      constant("kube_statefulset_status_update_revision", { ...statefulset, revision: update }, 1),
      constant("kube_statefulset_replicas", statefulset, 3),
      updated,
    ];
    const stuck = revisions("postgres-5c9", "postgres-7f4", constant("kube_statefulset_status_replicas_updated", statefulset, 1));
    const cases = stateCases(
      alert,
      { what: "1 of 3 pods runs the update revision and the update does not move", series: stuck },
      [
        { what: "every pod runs the current revision", series: revisions("postgres-7f4", "postgres-7f4", constant("kube_statefulset_status_replicas_updated", statefulset, 3)) },
        { what: "the update is under way", series: revisions("postgres-5c9", "postgres-7f4", progressing("kube_statefulset_status_replicas_updated", statefulset)) },
      ],
      { namespace, statefulset: "postgres" },
    );
    // While kube-state-metrics itself rolls out, two of its pods are scraped: the vector matches must not fail.
    const [firing] = cases;
    const secondKsm = (series: AlertTestSeries): AlertTestSeries => ({ ...series, series: series.series.replace(`instance="${ksm.instance}"`, 'instance="10.0.0.2:8080"') });
    return [...cases, { ...firing, description: `${firing.description}, while two kube-state-metrics pods are scraped`, series: [...stuck, ...stuck.map(secondKsm)] }];
  },

  KubeDaemonSetRolloutStuck: (alert) => {
    const status = (updatedAndAvailable: number, updated?: AlertTestSeries): AlertTestSeries[] => [
      ...gauges(daemonset, {
        kube_daemonset_status_desired_number_scheduled: 5,
        kube_daemonset_status_current_number_scheduled: 5,
        kube_daemonset_status_number_misscheduled: 0,
        kube_daemonset_status_number_available: updatedAndAvailable,
      }),
      updated ?? constant("kube_daemonset_status_updated_number_scheduled", daemonset, updatedAndAvailable),
    ];
    return stateCases(
      alert,
      { what: "4 of 5 pods are updated and available, and the rollout does not move", series: status(4) },
      [
        { what: "5 of 5 pods are updated and available", series: status(5) },
        { what: "4 of 5 pods are available during a rollout", series: status(4, progressing("kube_daemonset_status_updated_number_scheduled", daemonset)) },
      ],
      daemonset,
    );
  },
  KubeDaemonSetNotScheduled: (alert) => {
    const scheduled = (current: number): Scenario => ({
      what: `${current} of 5 pods are scheduled`,
      series: gauges(daemonset, { kube_daemonset_status_desired_number_scheduled: 5, kube_daemonset_status_current_number_scheduled: current }),
    });
    return stateCases(alert, scheduled(4), [scheduled(5)], daemonset);
  },

  KubeJobFailed: (alert) =>
    stateCases(
      alert,
      failedJobScenario(true, 500),
      [failedJobScenario(true, 2000), failedJobScenario(false, 500)],
      { ...ksm, namespace, job_name: "backup-29312640", condition: "true" },
    ),
  KubeJobNotCompleted: (alert) =>
    ageCases(alert, jobRunning(true), [{ ...jobRunning(false)(-(thresholdOf(alert) + 1)), what: "a Job that ran past the threshold has finished" }], { namespace, job_name: "reindex" }),
  KubeCronJobSuspended: (alert) => gaugeCases("kube_cronjob_spec_suspend", cronjob, alert.for, { breach: 1, normal: 0 }),
  KubeCronJobLate: (alert) => {
    const nextRun = (at: number): Scenario => ({ what: "the CronJob's next run was due", series: [constant("kube_cronjob_next_schedule_time", cronjob, at)] });
    return ageCases(alert, nextRun, [{ what: "the CronJob's next run is due in 2 hours", series: [constant("kube_cronjob_next_schedule_time", cronjob, 2 * 3600)] }], cronjob);
  },

  KubeHpaMaxedOut: (alert) => {
    const hpaAt = (current: number, min: number, max: number): Scenario => ({
      what: `the HPA runs ${current} replicas (min ${min}, max ${max})`,
      series: gauges(hpa, {
        kube_horizontalpodautoscaler_status_current_replicas: current,
        kube_horizontalpodautoscaler_spec_min_replicas: min,
        kube_horizontalpodautoscaler_spec_max_replicas: max,
      }),
    });
    return stateCases(alert, hpaAt(10, 2, 10), [hpaAt(9, 2, 10), hpaAt(10, 10, 10)], hpa);
  },
  KubeHpaReplicasMismatch: (alert) => {
    const hpaWants = (desired: number, current: number): Scenario => ({
      what: `the HPA wants ${desired} replicas and runs ${current} (min 2, max 10)`,
      series: gauges(hpa, {
        kube_horizontalpodautoscaler_status_desired_replicas: desired,
        kube_horizontalpodautoscaler_status_current_replicas: current,
        kube_horizontalpodautoscaler_spec_min_replicas: 2,
        kube_horizontalpodautoscaler_spec_max_replicas: 10,
      }),
    });
    return stateCases(alert, hpaWants(6, 4), [hpaWants(4, 4), hpaWants(12, 10)], hpa);
  },

  KubeQuotaAlmostFull: (alert) => aboveThresholdCases(alert, quotaScenario, { activeFrom: 0, labels: quota }),
  KubeQuotaExceeded: (alert) => stateCases(alert, quotaScenario(1.1), [quotaScenario(1)], quota),
  KubeCPUOvercommit: overcommitCases("cpu", 1),
  KubeMemoryOvercommit: overcommitCases("memory", 2 ** 30),

  CPUThrottlingHigh: (alert) => aboveThresholdCases(alert, throttlingScenario, { activeFrom: SCRAPE_INTERVAL_SECONDS, labels: perContainer }),
};

// The cluster's workloads: pods, the controllers that run them (Deployments, StatefulSets, DaemonSets, Jobs,
// CronJobs, HPAs) and the resources they ask for. Built on kube-state-metrics and cAdvisor; learnt from
// kubernetes-mixin's apps and resource alerts, with our own choices where theirs are noisy (see the runbooks).
import { cadvisorWorkloadLabels } from "../../cadvisor/contract";
import { CatalogScope } from "../scope";
import { AlertThresholds } from "../thresholds";
import { AlertRule } from "../types";
import { failuresIn, failureWindows, jobs, rateWindows } from "./selectors";

/**
 * kube-state-metrics' series; `extra` are further matchers. During a KSM rollout two pods are scraped at once
 * (different `instance`), so the "one" side of every vector match is aggregated first: a duplicate would turn
 * the rule into an evaluation error instead of an alert.
 */
const ksm = (metric: string, extra = ""): string => `${metric}{job="${jobs.kubeStateMetrics}"${extra ? `, ${extra}` : ""}}`;

/**
 * Windows over which a controller's progress counter must not have moved before a shortfall counts as stuck:
 * a rollout that is still updating pods is slow, not stuck. 10m for replica shortfalls, 5m within a rollout
 * and 15m for an HPA, as kubernetes-mixin.
 */
export const progressWindows = { replicas: "10m", rollout: "5m", hpa: "15m" } as const;

/** A crash-looping container is Running between back-offs: the window rides over those moments. */
export const backOffWindow = "5m";

/**
 * cAdvisor runs on its own (not inside the kubelet), so a container's pod, namespace and name are its runtime
 * labels (cadvisorWorkloadLabels); its plain namespace and pod are the cAdvisor pod's own. The runtime labels
 * replace them, so alerts from cAdvisor and KSM carry the same labels. Sandbox ("POD") containers and cgroups
 * that are no container have no CFS quota of their own worth alerting on.
 */
const cadvisorContainers = `job="${jobs.cadvisor}", ${cadvisorWorkloadLabels.container}!~"|POD"`;
const byRuntimeLabels = `sum by (${Object.values(cadvisorWorkloadLabels).join(", ")})`;
function asPodLabels(expr: string): string {
  return (Object.entries(cadvisorWorkloadLabels) as [string, string][])
    .reduce((inner, [to, from]) => `label_replace(${inner}, "${to}", "$1", "${from}", "(.*)")`, expr);
}

/** Requests of pods that hold their resources (Pending or Running), summed over the cluster. */
function podRequests(resource: string): string {
  return `sum(${ksm("kube_pod_container_resource_requests", `resource="${resource}"`)} * on (namespace, pod) group_left () max by (namespace, pod) (${ksm("kube_pod_status_phase", 'phase=~"Pending|Running"')} == 1))`;
}

/** What the cluster can still hold with its largest node gone: requests beyond it do not survive a node failure. */
function allocatableWithoutLargestNode(resource: string): string {
  const allocatable = ksm("kube_node_status_allocatable", `resource="${resource}"`);
  return `(sum(${allocatable}) - max(${allocatable}))`;
}

export function kubernetesWorkloadRules(t: AlertThresholds, scope: CatalogScope): AlertRule[] {
  const k8s = { domain: "kubernetes" as const };
  const restarts = ksm("kube_pod_container_status_restarts_total");
  const fromKsm: AlertRule[] = [
    // Pods
    {
      ...k8s,
      name: "KubePodCrashLooping",
      severity: "warning",
      expr: `max_over_time(${ksm("kube_pod_container_status_waiting_reason", 'reason="CrashLoopBackOff"')}[${backOffWindow}]) >= 1`,
      for: "15m",
      summary: "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is crash looping",
      description:
        "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} keeps exiting and the kubelet is backing off before restarting it. Read the previous container's log (kubectl logs --previous) for why it exits.",
      // A crash loop restarts often by definition: one alert is enough.
      inhibits: ["KubeContainerRestartingOften"],
      inhibitEqual: ["namespace", "pod", "container"],
    },
    {
      ...k8s,
      name: "KubePodNotReady",
      severity: "warning",
      // Failed pods are left out: evicted pods stay Failed until garbage-collected, and their controllers'
      // replica alerts report the shortfall. Job pods have KubeJobFailed.
      expr: `sum by (namespace, pod) (${ksm("kube_pod_status_phase", 'phase=~"Pending|Unknown"')}) * on (namespace, pod) group_left (owner_kind) topk by (namespace, pod) (1, max by (namespace, pod, owner_kind) (${ksm("kube_pod_owner", 'owner_kind!="Job"')})) > 0`,
      for: "15m",
      summary: "Pod {{ $labels.namespace }}/{{ $labels.pod }} has not started",
      description:
        "Pod {{ $labels.namespace }}/{{ $labels.pod }} (owned by a {{ $labels.owner_kind }}) has been Pending or Unknown for 15 minutes: it cannot be scheduled, its image cannot be pulled, its volumes cannot be mounted, or its node is gone. kubectl describe pod shows which.",
    },
    {
      ...k8s,
      name: "KubePodOOMKilled",
      severity: "warning",
      expr: `(${failuresIn(restarts, failureWindows.KubePodOOMKilled, "namespace, pod, container")} > 0) and on (namespace, pod, container) (max by (namespace, pod, container) (${ksm("kube_pod_container_status_last_terminated_reason", 'reason="OOMKilled"')}) == 1)`,
      for: "0s",
      summary: "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} was OOM killed",
      description:
        "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted within the last 10 minutes after the kernel killed it for exceeding its memory limit. Raise the limit or find what grows.",
    },
    {
      ...k8s,
      name: "KubeContainerRestartingOften",
      severity: "warning",
      threshold: t.KubeContainerRestartingOften,
      // Restarts are whole numbers and the counter only resets with a new pod (a new uid): the difference over the
      // window is exact and reads two samples per container where increase() would read the whole window, the
      // largest cost of the rule set over a big cluster. max by uid: two KSM pods scraped during its rollout must
      // not double the count.
      expr: `sum by (namespace, pod, container) (max by (namespace, pod, uid, container) (${restarts} - ${restarts} offset ${failureWindows.KubeContainerRestartingOften})) > ${t.KubeContainerRestartingOften}`,
      for: "0s",
      summary: "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} restarts often",
      description:
        "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} restarted more often in 30 minutes than the threshold allows, without (yet) being in a crash loop: failing liveness probes, OOM kills or crashes under load.",
    },

    // Deployments
    {
      ...k8s,
      name: "KubeDeploymentGenerationMismatch",
      severity: "warning",
      expr: `${ksm("kube_deployment_status_observed_generation")} != ${ksm("kube_deployment_metadata_generation")}`,
      for: "15m",
      summary: "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} changes are not acted on",
      description:
        "The Deployment controller has not observed the latest spec of {{ $labels.namespace }}/{{ $labels.deployment }} for 15 minutes: the change has not started to roll out. Check kube-controller-manager.",
    },
    {
      ...k8s,
      name: "KubeDeploymentReplicasMismatch",
      severity: "warning",
      expr: `(${ksm("kube_deployment_spec_replicas")} > ${ksm("kube_deployment_status_replicas_available")}) and (changes(${ksm("kube_deployment_status_replicas_updated")}[${progressWindows.replicas}]) == 0)`,
      for: "15m",
      summary: "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} is short of replicas",
      description:
        "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had fewer available replicas than it asks for, with no rollout progress, for 15 minutes. Look at its pods' events: unschedulable, failing readiness, or crash looping.",
    },
    {
      ...k8s,
      name: "KubeDeploymentRolloutStuck",
      severity: "warning",
      expr: `${ksm("kube_deployment_status_condition", 'condition="Progressing", status="false"')} != 0`,
      for: "15m",
      summary: "Rollout of Deployment {{ $labels.namespace }}/{{ $labels.deployment }} is stuck",
      description:
        "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has exceeded its progress deadline: its new ReplicaSet's pods do not become available. Roll back (kubectl rollout undo) or fix the new version.",
    },

    // StatefulSets
    {
      ...k8s,
      name: "KubeStatefulSetGenerationMismatch",
      severity: "warning",
      expr: `${ksm("kube_statefulset_status_observed_generation")} != ${ksm("kube_statefulset_metadata_generation")}`,
      for: "15m",
      summary: "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} changes are not acted on",
      description:
        "The StatefulSet controller has not observed the latest spec of {{ $labels.namespace }}/{{ $labels.statefulset }} for 15 minutes. Check kube-controller-manager.",
    },
    {
      ...k8s,
      name: "KubeStatefulSetReplicasMismatch",
      severity: "warning",
      expr: `(${ksm("kube_statefulset_status_replicas_ready")} != ${ksm("kube_statefulset_replicas")}) and (changes(${ksm("kube_statefulset_status_replicas_updated")}[${progressWindows.replicas}]) == 0)`,
      for: "15m",
      summary: "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} is short of ready replicas",
      description:
        "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has had a different number of ready replicas than it asks for, with no update progress, for 15 minutes. Its pods start in order, so one stuck pod holds up the rest.",
    },
    {
      ...k8s,
      name: "KubeStatefulSetUpdateNotRolledOut",
      severity: "warning",
      expr: `(max by (namespace, statefulset) (${ksm("kube_statefulset_status_current_revision")} unless ${ksm("kube_statefulset_status_update_revision")}) * on (namespace, statefulset) max by (namespace, statefulset) (${ksm("kube_statefulset_replicas")} != ${ksm("kube_statefulset_status_replicas_updated")})) and on (namespace, statefulset) (changes(${ksm("kube_statefulset_status_replicas_updated")}[${progressWindows.rollout}]) == 0)`,
      for: "15m",
      summary: "Update of StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} is not rolled out",
      description:
        "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} runs pods of an old revision and its update has made no progress for 15 minutes: a new pod does not become ready, or the update strategy is OnDelete.",
    },

    // DaemonSets
    {
      ...k8s,
      name: "KubeDaemonSetRolloutStuck",
      severity: "warning",
      expr: `((${ksm("kube_daemonset_status_current_number_scheduled")} != ${ksm("kube_daemonset_status_desired_number_scheduled")}) or (${ksm("kube_daemonset_status_number_misscheduled")} != 0) or (${ksm("kube_daemonset_status_updated_number_scheduled")} != ${ksm("kube_daemonset_status_desired_number_scheduled")}) or (${ksm("kube_daemonset_status_number_available")} != ${ksm("kube_daemonset_status_desired_number_scheduled")})) and (changes(${ksm("kube_daemonset_status_updated_number_scheduled")}[${progressWindows.rollout}]) == 0)`,
      for: "15m",
      summary: "Rollout of DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} is stuck",
      description:
        "DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has not had an up-to-date, available pod on every node it should run on (or runs where it should not) for 15 minutes, with no progress.",
    },
    {
      ...k8s,
      name: "KubeDaemonSetNotScheduled",
      severity: "warning",
      expr: `${ksm("kube_daemonset_status_desired_number_scheduled")} - ${ksm("kube_daemonset_status_current_number_scheduled")} > 0`,
      for: "10m",
      summary: "Pods of DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} are not scheduled",
      description:
        "Some nodes that should run DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} have had no pod of it for 10 minutes: taints without tolerations, or no room on the node.",
    },

    // Jobs and CronJobs
    {
      ...k8s,
      name: "KubeJobFailed",
      severity: "warning",
      // A CronJob keeps its last failed Job (failedJobsHistoryLimit) after later runs succeed: such a Job is
      // history, not a problem, so the failed Jobs of a CronJob that has succeeded since they started are left out.
      expr: `${ksm("kube_job_failed", 'condition="true"')} == 1 unless on (namespace, job_name) (max by (namespace, job_name, owner_name) (${ksm("kube_job_status_start_time")} * on (namespace, job_name) group_left (owner_name) max by (namespace, job_name, owner_name) (${ksm("kube_job_owner", 'owner_kind="CronJob"')})) < on (namespace, owner_name) group_left () max by (namespace, owner_name) (label_replace(${ksm("kube_cronjob_status_last_successful_time")}, "owner_name", "$1", "cronjob", "(.+)")))`,
      for: "15m",
      summary: "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed",
      description:
        "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed (backoff limit or deadline reached) and no later run of its CronJob has succeeded. Read its pods' logs, then delete the Job once handled.",
    },
    {
      ...k8s,
      name: "KubeJobNotCompleted",
      severity: "warning",
      threshold: t.KubeJobNotCompleted,
      expr: `time() - max by (namespace, job_name) (${ksm("kube_job_status_start_time")} and on (namespace, job_name) (${ksm("kube_job_status_active")} > 0)) > ${t.KubeJobNotCompleted}`,
      // The threshold is already a duration.
      for: "0s",
      summary: "Job {{ $labels.namespace }}/{{ $labels.job_name }} is not completing",
      description:
        "Job {{ $labels.namespace }}/{{ $labels.job_name }} has had active pods for longer than the threshold allows: it hangs, waits on something, or has far more work than usual.",
    },
    {
      ...k8s,
      name: "KubeCronJobSuspended",
      // Suspending is a deliberate act; an hour later it is worth a reminder, not a page.
      severity: "info",
      expr: `${ksm("kube_cronjob_spec_suspend")} == 1`,
      for: "1h",
      summary: "CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} is suspended",
      description:
        "CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has been suspended for an hour: none of its runs start. Resume it when the reason is gone, or disable this alert for deliberate suspensions.",
    },
    {
      ...k8s,
      name: "KubeCronJobLate",
      severity: "warning",
      threshold: t.KubeCronJobLate,
      // kube-state-metrics drops the next schedule time of a suspended CronJob, so this never fires on one.
      expr: `time() - ${ksm("kube_cronjob_next_schedule_time")} > ${t.KubeCronJobLate}`,
      for: "0s",
      summary: "CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} missed its schedule",
      description:
        "CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} should have started a run longer ago than the threshold allows, and has not: the previous run still holds it (concurrencyPolicy Forbid), its starting deadline passed, or the CronJob controller is down.",
    },

    // HorizontalPodAutoscalers
    {
      ...k8s,
      name: "KubeHpaMaxedOut",
      severity: "warning",
      // An HPA whose min equals its max is always "at max": a fixed size, not a saturated one.
      expr: `(${ksm("kube_horizontalpodautoscaler_status_current_replicas")} == ${ksm("kube_horizontalpodautoscaler_spec_max_replicas")}) and on (namespace, horizontalpodautoscaler) (${ksm("kube_horizontalpodautoscaler_spec_max_replicas")} != ${ksm("kube_horizontalpodautoscaler_spec_min_replicas")})`,
      for: "15m",
      summary: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is at its maximum replicas",
      description:
        "HorizontalPodAutoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum replicas for 15 minutes: it cannot scale further if load grows. Raise maxReplicas or make each replica do more.",
    },
    {
      ...k8s,
      name: "KubeHpaReplicasMismatch",
      severity: "warning",
      expr: `(${ksm("kube_horizontalpodautoscaler_status_desired_replicas")} != ${ksm("kube_horizontalpodautoscaler_status_current_replicas")}) and (${ksm("kube_horizontalpodautoscaler_status_current_replicas")} > ${ksm("kube_horizontalpodautoscaler_spec_min_replicas")}) and (${ksm("kube_horizontalpodautoscaler_status_current_replicas")} < ${ksm("kube_horizontalpodautoscaler_spec_max_replicas")}) and (changes(${ksm("kube_horizontalpodautoscaler_status_current_replicas")}[${progressWindows.hpa}]) == 0)`,
      for: "15m",
      summary: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} does not reach its desired replicas",
      description:
        "HorizontalPodAutoscaler {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} wants a different number of replicas than it runs, within its bounds, and has not changed for 15 minutes: the new pods cannot be scheduled or the quota is full.",
    },

    // Resources
    {
      ...k8s,
      name: "KubeQuotaAlmostFull",
      severity: "info",
      threshold: t.KubeQuotaAlmostFull,
      expr: `${ksm("kube_resourcequota", 'type="used"')} / ignoring (type) (${ksm("kube_resourcequota", 'type="hard"')} > 0) > ${t.KubeQuotaAlmostFull}`,
      for: "15m",
      summary: "Quota {{ $labels.resourcequota }} on {{ $labels.resource }} in {{ $labels.namespace }} is almost full",
      description:
        "Namespace {{ $labels.namespace }} uses nearly all of its ResourceQuota {{ $labels.resourcequota }} for {{ $labels.resource }}: new pods or objects will soon be refused. Raise the quota or free some.",
    },
    {
      ...k8s,
      name: "KubeQuotaExceeded",
      severity: "warning",
      expr: `${ksm("kube_resourcequota", 'type="used"')} / ignoring (type) (${ksm("kube_resourcequota", 'type="hard"')} > 0) > 1`,
      for: "15m",
      summary: "Quota {{ $labels.resourcequota }} on {{ $labels.resource }} in {{ $labels.namespace }} is exceeded",
      description:
        "Namespace {{ $labels.namespace }} uses more {{ $labels.resource }} than its ResourceQuota {{ $labels.resourcequota }} allows (the quota was lowered below use): every new object of that kind is refused.",
      inhibits: ["KubeQuotaAlmostFull"],
      inhibitEqual: ["namespace", "resourcequota", "resource"],
    },
    {
      ...k8s,
      name: "KubeCPUOvercommit",
      severity: "warning",
      expr: `${podRequests("cpu")} > ${allocatableWithoutLargestNode("cpu")} and ${allocatableWithoutLargestNode("cpu")} > 0`,
      for: "10m",
      summary: "The cluster's CPU requests do not survive the loss of a node",
      description:
        "The CPU requested by running and pending pods is more than the cluster can allocate without its largest node: if a node fails, its pods cannot all be rescheduled. Add a node or lower requests.",
    },
    {
      ...k8s,
      name: "KubeMemoryOvercommit",
      severity: "warning",
      expr: `${podRequests("memory")} > ${allocatableWithoutLargestNode("memory")} and ${allocatableWithoutLargestNode("memory")} > 0`,
      for: "10m",
      summary: "The cluster's memory requests do not survive the loss of a node",
      description:
        "The memory requested by running and pending pods is more than the cluster can allocate without its largest node: if a node fails, its pods cannot all be rescheduled. Add a node or lower requests.",
    },
  ];

  const fromCadvisor: AlertRule[] = [
    {
      ...k8s,
      name: "CPUThrottlingHigh",
      // Throttling is often by design (a limit set on purpose); latency alerts tell whether it hurts.
      severity: "info",
      threshold: t.CPUThrottlingHigh,
      // Summed by the runtime labels first and renamed once per container: label_replace on every raw series was
      // the costliest step of the rule set over a big cluster.
      expr: `sum by (namespace, pod, container) (${asPodLabels(`${byRuntimeLabels} (increase(container_cpu_cfs_throttled_periods_total{${cadvisorContainers}}[${rateWindows.throttling}])) / ${byRuntimeLabels} (increase(container_cpu_cfs_periods_total{${cadvisorContainers}}[${rateWindows.throttling}]))`)}) > ${t.CPUThrottlingHigh}`,
      for: "15m",
      summary: "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is CPU throttled",
      description:
        "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} is throttled in more of its CPU periods than the threshold allows: its CPU limit is lower than its bursts, which adds latency.",
    },
  ];

  return [...(scope.kubeStateMetrics ? fromKsm : []), ...(scope.cadvisor ? fromCadvisor : [])];
}

// What each environment demands beyond the schema (not overridable from Pulumi.<env>.yaml).
import { minProductionReplicas } from "../../components/high-availability";

export const environments = ["dev", "prod"] as const;
export type Environment = (typeof environments)[number];

export interface EnvironmentPolicy {
  minPrometheusReplicas: number;
  minAlertmanagerReplicas: number;
  /** Someone must be told when an alert fires. */
  requireNotificationChannel: boolean;
  /** Elasticsearch masters that hold no data (a busy data node never stalls cluster coordination). */
  dedicatedMasters: boolean;
  /** The seed's hot-warm-cold Elasticsearch architecture. */
  elasticsearchTiers: boolean;
}

export const environmentPolicies: Record<Environment, EnvironmentPolicy> = {
  dev: { minPrometheusReplicas: 1, minAlertmanagerReplicas: 1, requireNotificationChannel: false, dedicatedMasters: false, elasticsearchTiers: false },
  prod: {
    minPrometheusReplicas: minProductionReplicas.prometheus,
    minAlertmanagerReplicas: minProductionReplicas.alertmanager,
    requireNotificationChannel: true,
    dedicatedMasters: true,
    elasticsearchTiers: true,
  },
};

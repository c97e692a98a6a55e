// Composes the cloud integrations a stack switches on. Each enabled cloud gets its own explicit provider,
// created only then: a stack with every cloud off registers no cloud resource and needs no cloud credentials.
// Credentials never come from config: the providers read them from the environment, where CI puts
// short-lived OIDC credentials (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE; GOOGLE_APPLICATION_CREDENTIALS
// naming a workload identity federation config; ARM_USE_OIDC + ARM_CLIENT_ID + ARM_TENANT_ID).
import * as pulumi from "@pulumi/pulumi";
import type { AlertDefinition } from "../components/alerts";
import { prometheusContract } from "../components/prometheus/contract";
import type { ObjectStorageGrantees, ObjectStorageTarget } from "../components/object-storage/bucket";
import type { ProjectedToken } from "../components/prometheus/prometheus";
import type { RemoteWriteSpec } from "../components/prometheus/render-config";
import type { StackSecrets } from "./config";
import type { StackSpec } from "./schema";
// The section file, not ./schema: the schema's name checks import this module.
import { firstEnabledCloud } from "./schema/clouds";

/** What the clouds add to the in-cluster Prometheus. */
export interface CloudWiring {
  remoteWrite: pulumi.Output<RemoteWriteSpec>[];
  serviceAccountAnnotations: Record<string, pulumi.Output<string>>;
  projectedTokens: ProjectedToken[];
  /** Component resources created, by cloud (for outputs and tests). */
  created: { aws?: pulumi.ComponentResource; gcp?: pulumi.ComponentResource; azure?: pulumi.ComponentResource };
  /** Prometheus' own identity in each enabled cloud, to be granted a bucket its Thanos sidecars upload to. */
  prometheusGrantees: ObjectStorageGrantees;
  /** Azure: what the Thanos sidecar needs to use Prometheus' managed identity (Azure Workload Identity's variables). */
  prometheusAzureIdentity?: { clientId: pulumi.Output<string>; tenantId: string; tokenFile: string };
  /** The explicit provider of each enabled cloud, for other parts of the stack that create cloud resources (Loki's bucket). */
  providers: { aws?: pulumi.ProviderResource; gcp?: pulumi.ProviderResource; azure?: pulumi.ProviderResource };
}

/** The Kubernetes service account of the stack's Prometheus (named after the component, as the stack names it). */
export function prometheusServiceAccount(spec: Pick<StackSpec, "namespace">) {
  return { namespace: spec.namespace, name: prometheusContract.name };
}

/** The services X-Ray traces: every scrape target's service, once. */
export function tracedServices(spec: Pick<StackSpec, "targets">): string[] {
  return [...new Set(spec.targets.map((t) => t.service))];
}

/** Where Loki's bucket goes: the first enabled cloud (config validation guarantees one for object storage). */
export function lokiObjectStorageTarget(spec: Pick<StackSpec, "loki" | "clouds" | "cluster">): ObjectStorageTarget | undefined {
  return spec.loki.storage === "object" ? cloudBucketTarget(spec) : undefined;
}

/** Where Thanos' bucket goes: the first enabled cloud, with storage: cloud (config validation guarantees one). */
export function thanosObjectStorageTarget(spec: Pick<StackSpec, "thanos" | "clouds" | "cluster">): ObjectStorageTarget | undefined {
  return spec.thanos.enabled && spec.thanos.storage === "cloud" ? cloudBucketTarget(spec) : undefined;
}

/** A bucket in the first enabled cloud, where the stack's workloads (Loki, Thanos) keep their data. */
export function cloudBucketTarget(spec: Pick<StackSpec, "clouds" | "cluster">): ObjectStorageTarget | undefined {
  const { aws, gcp, azure } = spec.clouds;
  switch (firstEnabledCloud(spec.clouds)) {
    case "aws": return { cloud: "aws", region: aws.region!, clusterName: aws.eksClusterName ?? spec.cluster };
    case "gcp": return { cloud: "gcp", project: gcp.project!, location: gcp.region };
    case "azure": return { cloud: "azure", location: azure.location!, resourceGroup: azure.resourceGroup!, oidcIssuerUrl: azure.oidcIssuerUrl! };
    default: return undefined;
  }
}

/** The PagerDuty integration URL that accepts CloudWatch (SNS) and Azure Monitor alerts for a routing key. */
function pagerdutyIntegrationUrl(key: pulumi.Output<string>): pulumi.Output<string> {
  return pulumi.secret(pulumi.interpolate`https://events.pagerduty.com/integration/${key}/enqueue`);
}

/** `alerts` is the stack's catalog (built once): each cloud's managed rules evaluate the same alerts as the cluster. */
export function createCloudIntegrations(spec: StackSpec, secrets: StackSecrets, alerts: AlertDefinition[]): CloudWiring {
  const { aws, gcp, azure } = spec.clouds;
  const n = spec.notifications;
  const wiring: CloudWiring = { remoteWrite: [], serviceAccountAnnotations: {}, projectedTokens: [], created: {}, providers: {}, prometheusGrantees: {} };
  const sa = prometheusServiceAccount(spec);
  // Channels the clouds can reach natively. Slack and Teams stay with Alertmanager: their incoming webhooks
  // cannot read the clouds' alert payloads.
  const email = n.email.enabled ? n.email.to : undefined;
  const pagerdutyKey = n.pagerduty.enabled ? secrets.pagerdutyRoutingKey : undefined;
  const webhookUrl = n.webhook.enabled ? secrets.webhookUrl : undefined;
  const httpsEndpoints = [...(webhookUrl ? [webhookUrl] : []), ...(pagerdutyKey ? [pagerdutyIntegrationUrl(pagerdutyKey)] : [])];
  const tags = { project: "novacron", cluster: spec.cluster, environment: spec.environment, "managed-by": "pulumi" };

  if (aws.enabled) {
    const { Provider } = require("@pulumi/aws/provider") as typeof import("@pulumi/aws/provider");
    const { AwsMonitoring } = require("../components/cloud/aws/aws-monitoring") as typeof import("../components/cloud/aws/aws-monitoring");
    const { parseOidcProviderArn } = require("../components/cloud/aws/render-resources") as typeof import("../components/cloud/aws/render-resources");
    const provider = new Provider("aws", {
      region: aws.region!,
      // Refuse to touch any other account than the one whose OIDC provider the config names.
      allowedAccountIds: [parseOidcProviderArn(aws.oidcProviderArn!).accountId],
      defaultTags: { tags },
    });
    const monitoring = new AwsMonitoring("aws", {
      cluster: spec.cluster,
      region: aws.region!,
      oidcProviderArn: aws.oidcProviderArn!,
      prometheusServiceAccount: sa,
      monitoringNamespace: spec.namespace,
      eksClusterName: aws.eksClusterName ?? spec.cluster,
      logRetentionDays: aws.logRetentionDays,
      runbookBaseUrl: spec.runbookBaseUrl,
      alerts,
      tracedServices: tracedServices(spec),
      traceSamplingRate: aws.traceSamplingRate,
      emails: email ? [email] : [],
      httpsEndpoints,
    }, { provider });
    wiring.remoteWrite.push(monitoring.remoteWrite);
    Object.assign(wiring.serviceAccountAnnotations, monitoring.serviceAccountAnnotations);
    wiring.prometheusGrantees.awsRoleArns = [monitoring.prometheusRoleArn];
    wiring.created.aws = monitoring;
    wiring.providers.aws = provider;
  }

  if (gcp.enabled) {
    const { Provider } = require("@pulumi/gcp/provider") as typeof import("@pulumi/gcp/provider");
    const { GcpMonitoring } = require("../components/cloud/gcp/gcp-monitoring") as typeof import("../components/cloud/gcp/gcp-monitoring");
    const provider = new Provider("gcp", { project: gcp.project!, region: gcp.region!, defaultLabels: { project: "novacron", cluster: spec.cluster, environment: spec.environment, "managed-by": "pulumi" } });
    const monitoring = new GcpMonitoring("gcp", {
      cluster: spec.cluster,
      project: gcp.project!,
      region: gcp.region!,
      workloadIdentityPool: gcp.workloadIdentityPool ?? `${gcp.project}.svc.id.goog`,
      prometheusServiceAccount: sa,
      runbookBaseUrl: spec.runbookBaseUrl,
      alerts,
      logNamespaces: [...new Set([spec.namespace, spec.hostNamespace, ...spec.targets.map((t) => t.namespace)])],
      logRetentionDays: gcp.logRetentionDays,
      uptimeChecks: gcp.uptimeChecks,
      email,
      pagerdutyServiceKey: pagerdutyKey,
      webhookUrl,
    }, { provider });
    Object.assign(wiring.serviceAccountAnnotations, monitoring.serviceAccountAnnotations);
    wiring.prometheusGrantees.gcpServiceAccountEmails = [monitoring.prometheusServiceAccountEmail];
    wiring.created.gcp = monitoring;
    wiring.providers.gcp = provider;
  }

  if (azure.enabled) {
    const { Provider } = require("@pulumi/azure-native/provider") as typeof import("@pulumi/azure-native/provider");
    const { AzureMonitoring } = require("../components/cloud/azure/azure-monitoring") as typeof import("../components/cloud/azure/azure-monitoring");
    const provider = new Provider("azure", { subscriptionId: azure.subscriptionId!, tenantId: azure.tenantId!, location: azure.location! });
    const monitoring = new AzureMonitoring("azure", {
      cluster: spec.cluster,
      location: azure.location!,
      resourceGroup: azure.resourceGroup!,
      subscriptionId: azure.subscriptionId!,
      tenantId: azure.tenantId!,
      oidcIssuerUrl: azure.oidcIssuerUrl!,
      prometheusServiceAccount: sa,
      aksClusterResourceId: azure.aksClusterResourceId,
      logRetentionDays: azure.logRetentionDays,
      runbookBaseUrl: spec.runbookBaseUrl,
      alerts,
      email,
      webhookUrls: httpsEndpoints,
    }, { provider });
    wiring.remoteWrite.push(monitoring.remoteWrite);
    Object.assign(wiring.serviceAccountAnnotations, monitoring.serviceAccountAnnotations);
    wiring.projectedTokens.push(monitoring.projectedToken);
    wiring.prometheusGrantees.azurePrincipalIds = [monitoring.prometheusPrincipalId];
    wiring.prometheusAzureIdentity = { clientId: monitoring.prometheusClientId, tenantId: azure.tenantId!, tokenFile: `${monitoring.projectedToken.mountPath}/token` };
    wiring.created.azure = monitoring;
    wiring.providers.azure = provider;
  }
  return wiring;
}

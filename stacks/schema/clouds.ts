// `clouds`: AWS, GCP and Azure monitoring. Identifiers only: credentials reach the Pulumi providers from the
// environment (OIDC / workload identity in CI), never from config.
import { z } from "zod";
import { DNS_LABEL, httpsUrl, listOf, ratio, Report, withCrossChecks } from "./primitives";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** CloudWatch Logs accepts only these retention periods (days). */
export const cloudWatchRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** What an enabled cloud cannot work without (identifiers only: credentials come from the environment). */
export const requiredCloudSettings = {
  aws: ["region", "oidcProviderArn"],
  gcp: ["project", "region"],
  azure: ["location", "resourceGroup", "subscriptionId", "tenantId", "oidcIssuerUrl"],
} as const;

/** Each setting an enabled cloud requires is reported by its own key when missing. */
const requiredWhenEnabled = (cloud: keyof typeof requiredCloudSettings) => ({
  reads: ["enabled"] as const,
  check: (settings: Record<string, unknown>, report: Report) => {
    if (!settings.enabled) return;
    for (const key of requiredCloudSettings[cloud]) if (settings[key] === undefined) report([key], `is required when clouds.${cloud}.enabled is true`);
  },
});

export const cloudsSchema = z.strictObject({
  aws: withCrossChecks(z.strictObject({
    enabled: z.boolean(),
    region: z.string().regex(AWS_REGION, "must be an AWS region such as eu-west-1").optional(),
    oidcProviderArn: z.string().regex(/^arn:aws[-a-z]*:iam::\d{12}:oidc-provider\/[^\s]+$/, "must be an IAM OIDC provider ARN, e.g. arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC").optional()
      .describe("The IAM OIDC provider of the cluster's service-account issuer (EKS: the cluster's OIDC provider), for IRSA."),
    eksClusterName: z.string().min(1).optional().describe("The EKS cluster name Container Insights reports under; defaults to `cluster`."),
    logRetentionDays: z.number().refine((d) => (cloudWatchRetentionDays as readonly number[]).includes(d), `must be one of CloudWatch's retention periods: ${cloudWatchRetentionDays.join(", ")}`),
    traceSamplingRate: ratio.describe("X-Ray: share of requests traced beyond the reservoir (0..1)."),
  }), requiredWhenEnabled("aws")),
  gcp: withCrossChecks(z.strictObject({
    enabled: z.boolean(),
    project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "must be a GCP project id").optional(),
    region: z.string().regex(/^[a-z]+-[a-z]+\d$/, "must be a GCP region such as europe-west1").optional(),
    workloadIdentityPool: z.string().regex(/^[a-z][-a-z0-9.]+\.svc\.id\.goog$/, "must be a workload identity pool such as my-project.svc.id.goog").optional()
      .describe("Workload Identity pool of the cluster; defaults to `<project>.svc.id.goog` (GKE)."),
    uptimeChecks: listOf(z.strictObject({ name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label"), url: httpsUrl }), 50, "uptime checks")
      .describe("Public NovaCron endpoints checked from Google's uptime-check locations."),
    logRetentionDays: z.number().int("must be a whole number of days").min(1, "must be at least 1").max(3650, "must be at most 3650"),
  }), requiredWhenEnabled("gcp")),
  azure: withCrossChecks(z.strictObject({
    enabled: z.boolean(),
    location: z.string().regex(/^[a-z]+[a-z0-9]*$/, "must be an Azure location such as westeurope").optional(),
    resourceGroup: z.string().regex(/^[-\w._()]{1,90}$/, "must be a resource group name").optional(),
    subscriptionId: z.string().regex(UUID, "must be a subscription id (a GUID)").optional(),
    tenantId: z.string().regex(UUID, "must be a tenant id (a GUID)").optional(),
    oidcIssuerUrl: httpsUrl.optional().describe("The cluster's service-account token issuer (AKS: oidcIssuerProfile.issuerURL), trusted for workload identity."),
    aksClusterResourceId: z.string().regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i, "must be an AKS cluster resource id").optional()
      .describe("The AKS cluster's resource id: its Prometheus metrics DCR association, metric alerts and diagnostic settings."),
    logRetentionDays: z.number().int("must be a whole number of days").min(30, "must be at least 30").max(730, "must be at most 730"),
  }), requiredWhenEnabled("azure")),
});
export type CloudsSpec = z.infer<typeof cloudsSchema>;
export type Cloud = keyof CloudsSpec;
/** The clouds, in the order aws, gcp, azure. */
export const cloudNames = Object.keys(cloudsSchema.shape) as Cloud[];

/** The first enabled cloud, in the order aws, gcp, azure (where Loki's bucket goes). */
export function firstEnabledCloud(clouds: CloudsSpec): Cloud | undefined {
  return cloudNames.find((c) => clouds?.[c]?.enabled === true);
}

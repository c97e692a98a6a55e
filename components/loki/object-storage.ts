// Loki's bucket in the first enabled cloud, and the workload identity that lets Loki's service account use
// it: no access keys anywhere. AWS: S3 + EKS Pod Identity; GCP: GCS + GKE Workload Identity; Azure: Blob
// Storage + Azure Workload Identity (a federated credential on a user-assigned identity).
import * as pulumi from "@pulumi/pulumi";
import { PodIdentityAssociation } from "@pulumi/aws/eks";
import { Role, RolePolicy } from "@pulumi/aws/iam";
import { Bucket as S3Bucket, BucketPublicAccessBlock, BucketServerSideEncryptionConfiguration } from "@pulumi/aws/s3";
import { RoleAssignment } from "@pulumi/azure-native/authorization";
import { FederatedIdentityCredential, UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import { BlobContainer, StorageAccount } from "@pulumi/azure-native/storage";
import { Account as GcpServiceAccount, IAMMember as GcpServiceAccountIamMember } from "@pulumi/gcp/serviceaccount";
import { Bucket as GcsBucket, BucketIAMMember } from "@pulumi/gcp/storage";
import type { LokiStorage } from "./render-config";

/** Where Loki's object storage goes. */
export type LokiObjectStorageTarget =
  | { cloud: "aws"; region: string; clusterName: string }
  | { cloud: "gcp"; project: string; location?: string }
  | { cloud: "azure"; location: string; resourceGroup: string; oidcIssuerUrl: string };

export interface LokiObjectStorage {
  storage: pulumi.Output<LokiStorage>;
  /** Annotations on Loki's service account (GKE and Azure workload identity). */
  serviceAccountAnnotations: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Labels on Loki's pods (Azure workload identity's webhook injects the token into labelled pods). */
  podLabels: Record<string, string>;
}

/** Azure's built-in "Storage Blob Data Contributor" role. */
const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

export function createLokiObjectStorage(name: string, target: LokiObjectStorageTarget, sa: { namespace: pulumi.Input<string>; name: string }, parent: pulumi.Resource): LokiObjectStorage {
  const opts = { parent };
  switch (target.cloud) {
    case "aws": {
      const bucket = new S3Bucket(name, { bucketPrefix: `${name}-`, forceDestroy: false, tags: { "app.kubernetes.io/part-of": "novacron-monitoring" } }, opts);
      new BucketPublicAccessBlock(name, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, opts);
      new BucketServerSideEncryptionConfiguration(name, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, opts);
      const role = new Role(name, {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
        }),
      }, opts);
      new RolePolicy(name, {
        role: role.id,
        policy: bucket.arn.apply((arn) => JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["s3:ListBucket"], Resource: [arn] },
            { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`${arn}/*`] },
          ],
        })),
      }, opts);
      new PodIdentityAssociation(name, { clusterName: target.clusterName, namespace: sa.namespace, serviceAccount: sa.name, roleArn: role.arn }, opts);
      return {
        storage: bucket.bucket.apply((b) => ({ kind: "s3" as const, bucket: b, region: target.region })),
        serviceAccountAnnotations: {},
        podLabels: {},
      };
    }
    case "gcp": {
      const bucket = new GcsBucket(name, {
        project: target.project,
        location: target.location ?? "EU",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        forceDestroy: false,
      }, opts);
      const gsa = new GcpServiceAccount(name, { project: target.project, accountId: name.slice(0, 30), displayName: "Loki (novacron monitoring)" }, opts);
      new BucketIAMMember(name, { bucket: bucket.name, role: "roles/storage.objectAdmin", member: pulumi.interpolate`serviceAccount:${gsa.email}` }, opts);
      new GcpServiceAccountIamMember(name, {
        serviceAccountId: gsa.name,
        role: "roles/iam.workloadIdentityUser",
        member: pulumi.interpolate`serviceAccount:${target.project}.svc.id.goog[${sa.namespace}/${sa.name}]`,
      }, opts);
      return {
        storage: bucket.name.apply((b) => ({ kind: "gcs" as const, bucket: b })),
        serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": gsa.email },
        podLabels: {},
      };
    }
    case "azure": {
      const account = new StorageAccount(name, {
        resourceGroupName: target.resourceGroup,
        location: target.location,
        kind: "StorageV2",
        sku: { name: "Standard_ZRS" },
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
      }, opts);
      const container = new BlobContainer(name, { resourceGroupName: target.resourceGroup, accountName: account.name, publicAccess: "None" }, opts);
      const identity = new UserAssignedIdentity(name, { resourceGroupName: target.resourceGroup, location: target.location }, opts);
      new FederatedIdentityCredential(name, {
        resourceGroupName: target.resourceGroup,
        resourceName: identity.name,
        issuer: target.oidcIssuerUrl,
        subject: pulumi.interpolate`system:serviceaccount:${sa.namespace}:${sa.name}`,
        audiences: ["api://AzureADTokenExchange"],
      }, opts);
      const subscription = account.id.apply((id) => id.split("/")[2] ?? "");
      new RoleAssignment(name, {
        scope: account.id,
        principalId: identity.principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: pulumi.interpolate`/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${BLOB_DATA_CONTRIBUTOR}`,
      }, opts);
      return {
        storage: pulumi.all([account.name, container.name]).apply(([accountName, c]) => ({ kind: "azure" as const, accountName, container: c })),
        serviceAccountAnnotations: { "azure.workload.identity/client-id": identity.clientId },
        podLabels: { "azure.workload.identity/use": "true" },
      };
    }
  }
}

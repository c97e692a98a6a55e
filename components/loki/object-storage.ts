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
import type { Flow } from "../kube";
import { assertDerivedNames } from "../name-rules";
import { lokiObjectStorageDerivedNames, lokiObjectStorageNames } from "./object-storage-names";
import type { LokiStorage } from "./render-config";

/** A cloud whose object storage can hold Loki's chunks (an `as const` object, so component packaging sees an enum). */
export const LokiObjectStorageCloud = { Aws: "aws", Gcp: "gcp", Azure: "azure" } as const;
export type LokiObjectStorageCloud = (typeof LokiObjectStorageCloud)[keyof typeof LokiObjectStorageCloud];

/** Where Loki's object storage goes (one shape, the cloud an enum, as Pulumi component packaging wants). */
export interface LokiObjectStorageTarget {
  /** The cloud whose object storage holds the chunks. */
  cloud: LokiObjectStorageCloud;
  /** aws: the region of the bucket. */
  region?: string;
  /** aws: the EKS cluster's name (for the Pod Identity association). */
  clusterName?: string;
  /** gcp: the project of the bucket and service account. */
  project?: string;
  /** gcp: the bucket location (default EU); azure: the storage account's location. */
  location?: string;
  /** azure: the resource group for the storage account and identity. */
  resourceGroup?: string;
  /** azure: the AKS cluster's OIDC issuer URL. */
  oidcIssuerUrl?: string;
}

function required<K extends keyof LokiObjectStorageTarget>(target: LokiObjectStorageTarget, key: K): NonNullable<LokiObjectStorageTarget[K]> {
  const value = target[key];
  if (value === undefined || value === "") throw new Error(`Loki object storage in ${target.cloud} needs ${String(key)}`);
  return value as NonNullable<LokiObjectStorageTarget[K]>;
}

export interface LokiObjectStorage {
  storage: pulumi.Output<LokiStorage>;
  /** Annotations on Loki's service account (GKE and Azure workload identity). */
  serviceAccountAnnotations: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Labels on Loki's pods (Azure workload identity's webhook injects the token into labelled pods). */
  podLabels: Record<string, string>;
}

/**
 * Egress Loki needs for its bucket in `cloud`: the storage API over HTTPS, plus the node-local endpoint that
 * hands out the workload identity's credentials (outside 443, so a policy allowing only HTTPS blocks it).
 * - aws: EKS Pod Identity Agent, 169.254.170.23:80 (the SDK's container credentials endpoint).
 * - gcp: the GKE metadata server, 169.254.169.254:80 (GKE Dataplane V2) and 169.254.169.252:988
 *   (the address the metadata server listens on without Dataplane V2).
 * - azure: the token comes from Entra ID (login.microsoftonline.com:443), already covered by HTTPS.
 */
export function lokiObjectStorageEgress(cloud: LokiObjectStorageCloud): Flow[] {
  const https: Flow = { peers: [{ kind: "anywhere" }], ports: [{ port: 443 }] };
  switch (cloud) {
    case "aws": return [https, { peers: [{ kind: "cidr", cidr: "169.254.170.23/32" }], ports: [{ port: 80 }] }];
    case "gcp": return [https,
      { peers: [{ kind: "cidr", cidr: "169.254.169.254/32" }], ports: [{ port: 80 }] },
      { peers: [{ kind: "cidr", cidr: "169.254.169.252/32" }], ports: [{ port: 988 }] }];
    case "azure": return [https];
  }
}

/** Azure's built-in "Storage Blob Data Contributor" role. */
const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

export function createLokiObjectStorage(name: string, target: LokiObjectStorageTarget, sa: { namespace: pulumi.Input<string>; name: string }, parent: pulumi.Resource): LokiObjectStorage {
  const opts = { parent };
  assertDerivedNames(`Loki object storage ${name}`, lokiObjectStorageDerivedNames(name, target));
  const names = lokiObjectStorageNames(name, target);
  switch (target.cloud) {
    case "aws": {
      const region = required(target, "region");
      const clusterName = required(target, "clusterName");
      const bucket = new S3Bucket(name, { bucketPrefix: names.s3BucketPrefix, forceDestroy: false, tags: { "app.kubernetes.io/part-of": "novacron-monitoring" } }, opts);
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
      new PodIdentityAssociation(name, { clusterName, namespace: sa.namespace, serviceAccount: sa.name, roleArn: role.arn }, opts);
      return {
        storage: bucket.bucket.apply((b) => ({ kind: "s3" as const, bucket: b, region })),
        serviceAccountAnnotations: {},
        podLabels: {},
      };
    }
    case "gcp": {
      const project = required(target, "project");
      const bucket = new GcsBucket(name, {
        project,
        location: target.location ?? "EU",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        forceDestroy: false,
      }, opts);
      const gsa = new GcpServiceAccount(name, { project, accountId: names.gcpServiceAccountId, displayName: "Loki (novacron monitoring)" }, opts);
      new BucketIAMMember(name, { bucket: bucket.name, role: "roles/storage.objectAdmin", member: pulumi.interpolate`serviceAccount:${gsa.email}` }, opts);
      new GcpServiceAccountIamMember(name, {
        serviceAccountId: gsa.name,
        role: "roles/iam.workloadIdentityUser",
        member: pulumi.interpolate`serviceAccount:${project}.svc.id.goog[${sa.namespace}/${sa.name}]`,
      }, opts);
      return {
        storage: bucket.name.apply((b) => ({ kind: "gcs" as const, bucket: b })),
        serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": gsa.email },
        podLabels: {},
      };
    }
    case "azure": {
      const resourceGroupName = required(target, "resourceGroup");
      const location = required(target, "location");
      const account = new StorageAccount(name, {
        // Named, not auto-named: azure-native appends its suffix to the resource name, hyphens included,
        // which storage account names refuse.
        accountName: names.azureStorageAccount,
        resourceGroupName,
        location,
        kind: "StorageV2",
        sku: { name: "Standard_ZRS" },
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
      }, opts);
      const container = new BlobContainer(name, { resourceGroupName, accountName: account.name, publicAccess: "None" }, opts);
      const identity = new UserAssignedIdentity(name, { resourceGroupName, location }, opts);
      new FederatedIdentityCredential(name, {
        resourceGroupName,
        resourceName: identity.name,
        issuer: required(target, "oidcIssuerUrl"),
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

// A workload's bucket in one cloud, and the workload identity that lets its Kubernetes service account use it:
// no access keys anywhere. AWS: S3 + EKS Pod Identity; GCP: GCS + GKE Workload Identity; Azure: Blob Storage +
// Azure Workload Identity (a federated credential on a user-assigned identity). Loki's chunks and Thanos'
// blocks both live in one of these. Other identities the stack already has in that cloud (Prometheus', whose
// Thanos sidecar uploads blocks) can be granted the same access.
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
import { objectStorageDerivedNames, objectStorageNames } from "./names";

/** A cloud whose object storage can hold a workload's data (an `as const` object, so component packaging sees an enum). */
export const ObjectStorageCloud = { Aws: "aws", Gcp: "gcp", Azure: "azure" } as const;
export type ObjectStorageCloud = (typeof ObjectStorageCloud)[keyof typeof ObjectStorageCloud];

/** Where a workload's bucket goes (one shape, the cloud an enum, as Pulumi component packaging wants). */
export interface ObjectStorageTarget {
  /** The cloud whose object storage holds the data. */
  cloud: ObjectStorageCloud;
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

/** Identities that already exist in the bucket's cloud and get the same read/write access to it. */
export interface ObjectStorageGrantees {
  /** aws: IAM role ARNs (e.g. the role Prometheus assumes through IRSA). */
  awsRoleArns?: pulumi.Input<string>[];
  /** gcp: Google service account emails (e.g. the one Prometheus impersonates). */
  gcpServiceAccountEmails?: pulumi.Input<string>[];
  /** azure: principal ids of managed identities (e.g. Prometheus'). */
  azurePrincipalIds?: pulumi.Input<string>[];
}

/** The bucket as its users name it, per cloud. */
export type CloudBucket =
  | { kind: "s3"; bucket: string; region: string }
  | { kind: "gcs"; bucket: string }
  | { kind: "azure"; accountName: string; container: string };

function required<K extends keyof ObjectStorageTarget>(target: ObjectStorageTarget, key: K, owner: string): NonNullable<ObjectStorageTarget[K]> {
  const value = target[key];
  if (value === undefined || value === "") throw new Error(`${owner} object storage in ${target.cloud} needs ${String(key)}`);
  return value as NonNullable<ObjectStorageTarget[K]>;
}

export interface WorkloadBucket {
  storage: pulumi.Output<CloudBucket>;
  /** Annotations on the workload's service account (GKE and Azure workload identity). */
  serviceAccountAnnotations: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Labels on the workload's pods (Azure workload identity's webhook injects the token into labelled pods). */
  podLabels: Record<string, string>;
}

/**
 * Egress a workload needs for its bucket in `cloud`: the storage API over HTTPS, plus the node-local endpoint
 * that hands out the workload identity's credentials (outside 443, so a policy allowing only HTTPS blocks it).
 * - aws: EKS Pod Identity Agent, 169.254.170.23:80 (the SDK's container credentials endpoint).
 * - gcp: the GKE metadata server, 169.254.169.254:80 (GKE Dataplane V2) and 169.254.169.252:988
 *   (the address the metadata server listens on without Dataplane V2).
 * - azure: the token comes from Entra ID (login.microsoftonline.com:443), already covered by HTTPS.
 */
export function objectStorageEgress(cloud: ObjectStorageCloud): Flow[] {
  const https: Flow = { peers: [{ kind: "anywhere" }], ports: [{ port: 443 }] };
  switch (cloud) {
    case "aws": return [https, { peers: [{ kind: "cidr", cidr: "169.254.170.23/32" }], ports: [{ port: 80 }] }];
    case "gcp": return [https,
      { peers: [{ kind: "cidr", cidr: "169.254.169.254/32" }], ports: [{ port: 80 }] },
      { peers: [{ kind: "cidr", cidr: "169.254.169.252/32" }], ports: [{ port: 988 }] }];
    case "azure": return [https];
  }
}

/** The IAM role's name in its ARN (`arn:aws:iam::<account>:role/<path/>name`). */
export function roleNameOfArn(arn: string): string {
  return arn.split("/").pop() ?? arn;
}

/** What the workload may do with its bucket's objects (list, read, write, delete: compaction and retention delete). */
function s3Policy(arn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: [arn] },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [`${arn}/*`] },
    ],
  });
}

/** Azure's built-in "Storage Blob Data Contributor" role. */
const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

/**
 * The bucket `name` in `target.cloud`, read/write for the Kubernetes service account `sa` (through the cloud's
 * workload identity) and for `grantees`. `owner` names the workload in errors and display names.
 */
export function createWorkloadBucket(name: string, target: ObjectStorageTarget, args: {
  owner: string; sa: { namespace: pulumi.Input<string>; name: string }; grantees?: ObjectStorageGrantees; parent: pulumi.Resource;
}): WorkloadBucket {
  const { owner, sa, parent } = args;
  const grantees = args.grantees ?? {};
  const opts = { parent };
  assertDerivedNames(`${owner} object storage ${name}`, objectStorageDerivedNames(name, target, owner));
  const names = objectStorageNames(name, target);
  switch (target.cloud) {
    case "aws": {
      const region = required(target, "region", owner);
      const clusterName = required(target, "clusterName", owner);
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
        policy: bucket.arn.apply(s3Policy),
      }, opts);
      (grantees.awsRoleArns ?? []).forEach((roleArn, i) =>
        new RolePolicy(`${name}-grantee-${i}`, { role: pulumi.output(roleArn).apply(roleNameOfArn), policy: bucket.arn.apply(s3Policy) }, opts));
      new PodIdentityAssociation(name, { clusterName, namespace: sa.namespace, serviceAccount: sa.name, roleArn: role.arn }, opts);
      return {
        storage: bucket.bucket.apply((b) => ({ kind: "s3" as const, bucket: b, region })),
        serviceAccountAnnotations: {},
        podLabels: {},
      };
    }
    case "gcp": {
      const project = required(target, "project", owner);
      const bucket = new GcsBucket(name, {
        project,
        location: target.location ?? "EU",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        forceDestroy: false,
      }, opts);
      const gsa = new GcpServiceAccount(name, { project, accountId: names.gcpServiceAccountId, displayName: `${owner} (novacron monitoring)` }, opts);
      new BucketIAMMember(name, { bucket: bucket.name, role: "roles/storage.objectAdmin", member: pulumi.interpolate`serviceAccount:${gsa.email}` }, opts);
      (grantees.gcpServiceAccountEmails ?? []).forEach((email, i) =>
        new BucketIAMMember(`${name}-grantee-${i}`, { bucket: bucket.name, role: "roles/storage.objectAdmin", member: pulumi.interpolate`serviceAccount:${email}` }, opts));
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
      const resourceGroupName = required(target, "resourceGroup", owner);
      const location = required(target, "location", owner);
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
        issuer: required(target, "oidcIssuerUrl", owner),
        subject: pulumi.interpolate`system:serviceaccount:${sa.namespace}:${sa.name}`,
        audiences: ["api://AzureADTokenExchange"],
      }, opts);
      const subscription = account.id.apply((id) => id.split("/")[2] ?? "");
      const blobDataContributor = pulumi.interpolate`/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${BLOB_DATA_CONTRIBUTOR}`;
      new RoleAssignment(name, {
        scope: account.id,
        principalId: identity.principalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: blobDataContributor,
      }, opts);
      (grantees.azurePrincipalIds ?? []).forEach((principalId, i) =>
        new RoleAssignment(`${name}-grantee-${i}`, { scope: account.id, principalId, principalType: "ServicePrincipal", roleDefinitionId: blobDataContributor }, opts));
      return {
        storage: pulumi.all([account.name, container.name]).apply(([accountName, c]) => ({ kind: "azure" as const, accountName, container: c })),
        serviceAccountAnnotations: { "azure.workload.identity/client-id": identity.clientId },
        podLabels: { "azure.workload.identity/use": "true" },
      };
    }
  }
}

// Pure: the names of a workload's bucket and identity in each cloud (bucket.ts creates them with exactly
// these), and the rules each must pass. Names the provider completes (auto-naming) are judged with a stand-in
// of the provider's random suffix, which has the suffix's length and characters. Shared by Loki and Thanos.
import { DerivedName, fitName, nameHash } from "../name-rules";
import type { ObjectStorageTarget } from "./bucket";
export type { ObjectStorageTarget } from "./bucket";

/** Pulumi's AWS and Google providers auto-name `<name>-<7 hex>`; azure-native `<name><8 alphanumerics>`. */
const AWS_GCP_AUTONAME_SUFFIX = "-0000000";
const AZURE_AUTONAME_SUFFIX = "00000000";

export interface ObjectStorageNames {
  /** aws: the S3 bucket's prefix (the provider appends a unique suffix: buckets are global). */
  s3BucketPrefix: string;
  /** gcp: the Google service account id (at most 30 characters: a longer name is shortened with a hash). */
  gcpServiceAccountId: string;
  /**
   * azure: the storage account. Azure allows only 3-24 lower-case letters and digits, and the names are global,
   * so: the name's letters and digits, then a hash of where it lives (resource group, location, the cluster's
   * issuer) and of the name, stable across runs.
   */
  azureStorageAccount: string;
}

export function objectStorageNames(name: string, target: Pick<ObjectStorageTarget, "resourceGroup" | "location" | "oidcIssuerUrl">): ObjectStorageNames {
  const where = [target.resourceGroup ?? "", target.location ?? "", target.oidcIssuerUrl ?? "", name].join("\u0000");
  const letters = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return {
    s3BucketPrefix: `${name}-`,
    gcpServiceAccountId: fitName("gcpServiceAccountId", name),
    azureStorageAccount: `${letters.slice(0, 14)}${nameHash(where, 10)}`,
  };
}

/**
 * The names bucket.ts gives in `target.cloud`, with the rule each must pass; `owner` names the workload in
 * messages ("Loki's S3 bucket prefix"); `from` paths are ["name"] or the target's.
 */
export function objectStorageDerivedNames(name: string, target: ObjectStorageTarget, owner: string): DerivedName[] {
  const n = objectStorageNames(name, target);
  const from = [["name"]];
  const of = owner.endsWith("s") ? `${owner}'` : `${owner}'s`; // Loki's, Thanos'
  switch (target.cloud) {
    case "aws": return [
      { kind: "awsS3BucketPrefix", name: n.s3BucketPrefix, names: `${of} S3 bucket prefix`, from },
      { kind: "awsIamRoleName", name: `${name}${AWS_GCP_AUTONAME_SUFFIX}`, names: `${of} IAM role (auto-named)`, from, shared: true },
    ];
    case "gcp": return [
      { kind: "gcpServiceAccountId", name: n.gcpServiceAccountId, names: `${of} Google service account id`, from },
      { kind: "gcsBucketName", name: `${name}${AWS_GCP_AUTONAME_SUFFIX}`, names: `${of} bucket (auto-named)`, from, shared: true },
    ];
    case "azure": return [
      { kind: "azureStorageAccount", name: n.azureStorageAccount, names: `${of} storage account`, from: [["name"], ["resourceGroup"], ["location"], ["oidcIssuerUrl"]] },
      { kind: "azureBlobContainer", name: `${name}${AZURE_AUTONAME_SUFFIX}`, names: `${of} blob container (auto-named)`, from, shared: true },
      { kind: "azureUserAssignedIdentity", name: `${name}${AZURE_AUTONAME_SUFFIX}`, names: `${of} managed identity (auto-named)`, from, shared: true },
      { kind: "azureFederatedCredential", name: `${name}${AZURE_AUTONAME_SUFFIX}`, names: `${of} federated identity credential (auto-named)`, from, shared: true },
    ];
  }
}

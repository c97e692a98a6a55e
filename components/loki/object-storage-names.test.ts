// Loki's bucket and identity names in each cloud, against each cloud's rules.
import { derivedNameProblems } from "../name-rules";
import { lokiChunksName, lokiObjectStorageDerivedNames, lokiObjectStorageNames } from "./object-storage-names";

const azure = { cloud: "azure" as const, resourceGroup: "novacron-prod-monitoring", location: "westeurope", oidcIssuerUrl: "https://oidc.example/abc" };

test.each([
  { cloud: "aws" as const, region: "eu-west-1", clusterName: "novacron-prod" },
  { cloud: "gcp" as const, project: "novacron-prod" },
  azure,
])("the stack's names in $cloud pass every rule", (target) => {
  expect(derivedNameProblems(lokiObjectStorageDerivedNames(lokiChunksName("loki"), target))).toEqual([]);
});

test("the names the stack gave before are kept: the S3 bucket prefix and the GCP service account id", () => {
  expect(lokiObjectStorageNames("loki-chunks", azure)).toMatchObject({ s3BucketPrefix: "loki-chunks-", gcpServiceAccountId: "loki-chunks" });
});

test("the storage account is named (auto-naming keeps the hyphen Azure refuses), stably, and per resource group and cluster", () => {
  const name = lokiObjectStorageNames("loki-chunks", azure).azureStorageAccount;
  expect(name).toMatch(/^lokichunks[0-9a-f]{10}$/);
  expect(lokiObjectStorageNames("loki-chunks", azure).azureStorageAccount).toBe(name);
  expect(lokiObjectStorageNames("loki-chunks", { ...azure, resourceGroup: "other" }).azureStorageAccount).not.toBe(name);
  expect(lokiObjectStorageNames("loki-chunks", { ...azure, oidcIssuerUrl: "https://oidc.example/other" }).azureStorageAccount).not.toBe(name);
  // A long component name still fits 24 characters.
  expect(derivedNameProblems(lokiObjectStorageDerivedNames("x".repeat(60), azure)).filter((p) => p.name.kind === "azureStorageAccount")).toEqual([]);
});

test("a component name the clouds refuse is reported before anything is created", () => {
  expect(derivedNameProblems(lokiObjectStorageDerivedNames("Loki_Chunks", { cloud: "aws" })).map((p) => p.message))
    .toContainEqual(expect.stringMatching(/^Loki's S3 bucket prefix "Loki_Chunks-" contains "L", "_", "C"/));
  expect(derivedNameProblems(lokiObjectStorageDerivedNames(`loki-${"x".repeat(40)}`, { cloud: "aws" })).map((p) => p.message))
    .toContainEqual(expect.stringMatching(/is 46 characters, over the limit of 37/));
});

// Loki's bucket in each cloud, as the prod stack registers it under Pulumi's mocks: its cloud resources use
// the explicit provider stacks/clouds.ts creates for that cloud (region, allowed account, tags, subscription),
// and its NetworkPolicy lets it reach that cloud's credential endpoint and no other cloud's.
import { parse } from "yaml";
import { readStackConfig, renderStack, RenderResult, RenderedResource } from "../../../scripts/render";

const prodClouds = parse(require("fs").readFileSync(require("path").resolve(__dirname, "../../../Pulumi.prod.yaml"), "utf8")).config["novacron:clouds"];
const onlyCloud = (cloud: string) =>
  JSON.stringify(Object.fromEntries(Object.entries(prodClouds).map(([name, settings]) => [name, { ...(settings as object), enabled: name === cloud }])));

const packages = { aws: "aws", gcp: "gcp", azure: "azure-native" } as const;
type Cloud = keyof typeof packages;
const runs = {} as Record<Cloud, RenderResult>;
beforeAll(async () => {
  expect(Object.keys(readStackConfig("prod").config)).toContain("novacron:clouds");
  for (const cloud of Object.keys(packages) as Cloud[]) runs[cloud] = await renderStack("prod", { "novacron:clouds": onlyCloud(cloud) });
});

/** The provider resource a registration's provider reference (`<urn>::<id>`) names. */
function providerOf(run: RenderResult, r: RenderedResource): RenderedResource | undefined {
  if (!r.provider) return undefined;
  const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
  const [type, name] = urn.split("::").slice(2);
  return run.resources.find((p) => p.type === type && p.name === name);
}
const lokiCloudResources = (cloud: Cloud) => runs[cloud].resources.filter((r) => r.type.startsWith(`${packages[cloud]}:`) && r.name === "loki-chunks");
/** A Loki target's egress beyond its own pods (prod runs the scalable targets: write, read, backend). */
const egress = (cloud: Cloud, target: string) => {
  const policy = runs[cloud].resources.find((r) => r.inputs.kind === "NetworkPolicy" && r.inputs.metadata.name === target)!.inputs;
  return policy.spec.egress.filter((rule: any) => rule.to.every((t: any) => t.ipBlock)).map((rule: any) => [rule.to.map((t: any) => t.ipBlock.cidr), rule.ports.map((p: any) => p.port)]);
};

describe.each(Object.keys(packages) as Cloud[])("prod with Loki's bucket in %s", (cloud) => {
  test("every cloud resource of Loki uses the cloud's explicit provider, never the default one", () => {
    const resources = lokiCloudResources(cloud);
    expect(resources.length).toBeGreaterThanOrEqual(4);
    for (const r of resources) expect([r.type, providerOf(runs[cloud], r)?.type, providerOf(runs[cloud], r)?.name]).toEqual([r.type, `pulumi:providers:${packages[cloud]}`, cloud]);
    // Nowhere in the stack does a cloud resource fall back to the default provider.
    const defaulted = runs[cloud].resources.filter((r) => /^(aws|gcp|azure-native):/.test(r.type) && !r.provider);
    expect(defaulted.map((r) => `${r.type} ${r.name}`)).toEqual([]);
  });

  test("each target's NetworkPolicy admits HTTPS and this cloud's credential endpoint only (beyond Loki's own pods)", () => {
    const expected = {
      aws: [[["0.0.0.0/0"], [443]], [["169.254.170.23/32"], [80]]],
      gcp: [[["0.0.0.0/0"], [443]], [["169.254.169.254/32"], [80]], [["169.254.169.252/32"], [988]]],
      azure: [[["0.0.0.0/0"], [443]]],
    }[cloud];
    for (const target of ["loki-write", "loki-read", "loki-backend"]) expect([target, egress(cloud, target)]).toEqual([target, expected]);
  });
});

test("aws: the bucket is in the region Loki's config names (the provider's region)", () => {
  const s3 = parse(runs.aws.files["loki/loki.yaml"]).common.storage.s3;
  const bucket = lokiCloudResources("aws").find((r) => r.type === "aws:s3/bucket:Bucket")!;
  expect(s3.region).toBe(prodClouds.aws.region);
  expect(providerOf(runs.aws, bucket)!.inputs.region).toBe(s3.region);
  expect(JSON.parse(providerOf(runs.aws, bucket)!.inputs.allowedAccountIds)).toEqual(["123456789012"]);
  expect(s3.bucketnames).toBe(bucket.inputs.bucketPrefix + "autonamed");
});

test("gcp: the bucket is in the provider's project and the configured region", () => {
  const bucket = lokiCloudResources("gcp").find((r) => r.type === "gcp:storage/bucket:Bucket")!;
  const provider = providerOf(runs.gcp, bucket)!;
  expect([bucket.inputs.project, bucket.inputs.location]).toEqual([provider.inputs.project, prodClouds.gcp.region]);
  expect(provider.inputs.project).toBe(prodClouds.gcp.project);
});

test("azure: the storage account is in the provider's subscription and location", () => {
  const account = lokiCloudResources("azure").find((r) => r.type === "azure-native:storage:StorageAccount")!;
  const provider = providerOf(runs.azure, account)!;
  expect([provider.inputs.subscriptionId, provider.inputs.location]).toEqual([prodClouds.azure.subscriptionId, prodClouds.azure.location]);
  expect(account.inputs.location).toBe(provider.inputs.location);
});

// Composes Thanos from the spec: the bucket (the first enabled cloud's, or an S3-compatible store), Query,
// Store Gateway and Compactor, and what the Prometheus component needs for its sidecars. Wiring only.
import * as pulumi from "@pulumi/pulumi";
import { PeerSelector, peerSelector } from "../components/kube";
import { prometheusContract, prometheusShardIdentities, prometheusThanosEndpoints, PrometheusThanosArgs } from "../components/prometheus";
import type { ThanosScrapeTargets } from "../components/prometheus/render-config";
import { ThanosBucket, ThanosCompactor, thanosContract, thanosIdentity, ThanosQuery, ThanosStoreGateway, thanosStoreEndpoint } from "../components/thanos";
import { CloudWiring, thanosObjectStorageTarget } from "./clouds";
import type { StackSecrets } from "./config";
import type { StackSpec } from "./schema";

/** The Thanos components' names (their pods are thanos-<role>). */
export const thanosNames = { bucket: thanosContract.name, query: "thanos-query", store: "thanos-store-gateway", compact: "thanos-compactor" } as const;

export interface ThanosStack {
  bucket: ThanosBucket;
  query: ThanosQuery;
  store: ThanosStoreGateway;
  compactor: ThanosCompactor;
  /** The Prometheus component's `thanos` arg (its sidecars). */
  sidecar: PrometheusThanosArgs;
  /** What Prometheus scrapes of Thanos (the sidecars it scrapes itself). */
  scrape: pulumi.Input<ThanosScrapeTargets>;
}

/** Query's pods, known before they exist (Prometheus lets them in to its sidecars' gRPC port). */
export function thanosQueryPods(spec: Pick<StackSpec, "namespace">): PeerSelector {
  return peerSelector(thanosIdentity(thanosNames.query, "query"), spec.namespace);
}

export function createThanos(spec: StackSpec, secrets: StackSecrets, opts: {
  namespace: pulumi.Output<string>; clouds: CloudWiring; scrapers: PeerSelector[]; queryClients: PeerSelector[];
}): ThanosStack | undefined {
  const t = spec.thanos;
  if (!t.enabled) return undefined;
  const { namespace: ns, clouds } = opts;
  const networkPolicy = spec.networkPolicies;
  const cloud = thanosObjectStorageTarget(spec);
  // The cloud's explicit provider (region, allowed account, default tags, subscription), never the default one.
  const provider = cloud && clouds.providers[cloud.cloud];
  const bucket = new ThanosBucket(thanosNames.bucket, {
    namespace: ns,
    cloud,
    s3Compatible: cloud ? undefined : {
      ...t.s3Compatible!,
      // Validation guarantees both when storage is s3-compatible; they stay Pulumi secrets into the Secret.
      accessKeyId: secrets.thanosS3AccessKeyId!,
      secretAccessKey: secrets.thanosS3SecretAccessKey!,
    },
    prefix: t.prefix,
    // The sidecars upload as Prometheus: its identity in the bucket's cloud gets the same access.
    grantees: clouds.prometheusGrantees,
  }, provider ? { providers: [provider] } : undefined);
  const binding = bucket.binding;
  const after = { dependsOn: [bucket] };

  const store = new ThanosStoreGateway(thanosNames.store, {
    namespace: ns, bucket: binding, replicas: t.storeGateway.replicas, storageSize: t.storeGateway.storageSize, storageClass: spec.storageClass,
    resources: t.storeGateway.resources, networkPolicy, queriers: [thanosQueryPods(spec)], scrapers: opts.scrapers,
  }, after);
  const compactor = new ThanosCompactor(thanosNames.compact, {
    namespace: ns, bucket: binding, retention: t.retention, downsampling: t.downsampling, storageSize: t.compactor.storageSize, storageClass: spec.storageClass,
    resources: t.compactor.resources, networkPolicy, scrapers: opts.scrapers,
  }, after);
  const query = new ThanosQuery(thanosNames.query, {
    namespace: ns, replicas: t.query.replicas, resources: t.query.resources, networkPolicy,
    // Every scrape shard's sidecars (one DNS SRV name per shard's headless Service), then the Store Gateway.
    endpoints: [...prometheusThanosEndpoints(prometheusContract.name, spec.namespace, spec.prometheus.shards), thanosStoreEndpoint(thanosNames.store, spec.namespace)],
    storeApis: [...prometheusShardIdentities(prometheusContract.name, spec.prometheus.shards).map((app) => peerSelector(app, spec.namespace)), peerSelector(store.app, spec.namespace)],
    queryClients: opts.queryClients, scrapers: opts.scrapers,
  });
  const azure = cloud?.cloud === "azure" ? clouds.prometheusAzureIdentity : undefined;
  return {
    bucket, query, store, compactor,
    sidecar: {
      objstoreSecret: binding.secretName,
      secretEnv: binding.env,
      // Azure Workload Identity for Prometheus' managed identity: the token Prometheus' pod already projects.
      env: azure ? [
        { name: "AZURE_CLIENT_ID", value: azure.clientId },
        { name: "AZURE_TENANT_ID", value: azure.tenantId },
        { name: "AZURE_FEDERATED_TOKEN_FILE", value: azure.tokenFile },
      ] : [],
      resources: t.sidecar.resources,
      queriers: [thanosQueryPods(spec)],
    },
    scrape: pulumi.all([query.scrapeTarget, store.scrapeTarget, compactor.scrapeTarget]).apply(([q, s, c]) => ({ query: q, store: s, compact: c })),
  };
}

// Composes the logs and traces components from the spec: ECK + Elasticsearch + Kibana + Logstash, Loki,
// the log shipper, Jaeger. Wiring only; each is created when its section is enabled.
import * as pulumi from "@pulumi/pulumi";
import { EckOperator, Elasticsearch, ElasticsearchExporter, elasticsearchExporterContract, elasticsearchExporterIdentity, elasticsearchIdentity } from "../components/elasticsearch";
import { Jaeger, jaegerContract, jaegerIdentity, jaegerIndexCleanerIdentity } from "../components/jaeger";
import { Kibana, kibanaContract, kibanaIdentity } from "../components/kibana";
import { PeerSelector, peerSelector } from "../components/kube";
import { LogShipper, logShipperContract, logShipperIdentity } from "../components/log-shipper";
import { Logstash, logstashContract, logstashIdentity } from "../components/logstash";
import { Loki } from "../components/loki";
import type { AppScrapeTarget } from "../components/prometheus";
import { CloudWiring, lokiObjectStorageTarget } from "./clouds";
import { ES_CLUSTER, StackSpec } from "./schema";

export interface LogsAndTraces {
  elasticsearch?: Elasticsearch;
  kibana?: Kibana;
  logstash?: Logstash;
  loki?: Loki;
  logShipper?: LogShipper;
  jaeger?: Jaeger;
  elasticsearchExporter?: ElasticsearchExporter;
  /** What Prometheus scrapes of these parts, each under its contract's job. */
  scrapeTargets: pulumi.Output<AppScrapeTarget>[];
}

/** Namespaces whose logs are joined into multi-line entries: as configured, else the NovaCron scrape targets'. */
export function multilineNamespaces(spec: StackSpec): string[] {
  return spec.logShipper.multilineNamespaces ?? [...new Set(spec.targets.map((t) => t.namespace))];
}

export function createLogsAndTraces(spec: StackSpec, opts: {
  namespace: pulumi.Output<string>; hostNamespace: pulumi.Output<string>; queriers?: PeerSelector[];
  /** The stack's explicit cloud providers (stacks/clouds.ts): Loki's bucket and identity use its cloud's. */
  cloudProviders?: CloudWiring["providers"];
  /** Pods that scrape the parts' own metrics (Prometheus). */
  scrapers?: PeerSelector[];
}): LogsAndTraces {
  const { namespace: ns, hostNamespace } = opts;
  const networkPolicy = spec.networkPolicies;
  const queriers = opts.queriers ?? [];
  const scrapers = opts.scrapers ?? [];
  const { elk, loki: lokiSpec, logShipper: shipperSpec, jaeger: jaegerSpec } = spec;
  // Clients are named after their apps, so their pods' identity is known before they exist.
  const shipper = peerSelector(logShipperIdentity(logShipperContract.name), spec.hostNamespace);
  const jaegerOnEs = jaegerSpec.enabled && jaegerSpec.storage === "elasticsearch";

  let elasticsearch: Elasticsearch | undefined, kibana: Kibana | undefined, logstash: Logstash | undefined;
  let elasticsearchExporter: ElasticsearchExporter | undefined, operator: EckOperator | undefined;
  if (elk.enabled) {
    operator = new EckOperator("eck-operator", {
      namespace: elk.operatorNamespace, chartRepository: elk.operatorChartRepository, networkPolicy, scrapers,
      elasticsearch: [peerSelector(elasticsearchIdentity(ES_CLUSTER), spec.namespace)],
      kibana: elk.kibana.enabled ? [peerSelector(kibanaIdentity(kibanaContract.name), spec.namespace)] : [],
    });
    elasticsearch = new Elasticsearch(ES_CLUSTER, {
      namespace: ns,
      nodeSets: elk.nodeSets,
      storageClass: spec.storageClass,
      lifecycle: elk.lifecycle,
      indices: elk.indices,
      snapshot: elk.snapshot.enabled ? { ...elk.snapshot, bucket: elk.snapshot.bucket! } : undefined,
      operatorNamespace: elk.operatorNamespace,
      networkPolicy,
      writers: [peerSelector(logstashIdentity(logstashContract.name), spec.namespace)],
      queriers: [...queriers, ...(elk.kibana.enabled ? [peerSelector(kibanaIdentity(kibanaContract.name), spec.namespace)] : [])],
      monitors: [peerSelector(elasticsearchExporterIdentity(elasticsearchExporterContract.name), spec.namespace)],
      traceWriters: jaegerOnEs ? [peerSelector(jaegerIdentity(jaegerContract.name), spec.namespace), peerSelector(jaegerIndexCleanerIdentity(jaegerContract.name), spec.namespace)] : [],
    }, { dependsOn: [operator] }); // the cluster resource waits for the operator's CRDs
    // Clients wait for the whole cluster component: its users, and (for writers) the index templates.
    const afterCluster = { dependsOn: [elasticsearch] };
    const connection = elasticsearch.connection;
    elasticsearchExporter = new ElasticsearchExporter(elasticsearchExporterContract.name, { namespace: ns, elasticsearch: connection, networkPolicy, scrapers }, afterCluster);
    if (elk.kibana.enabled) kibana = new Kibana(kibanaContract.name, { namespace: ns, elasticsearch: connection, replicas: elk.kibana.replicas, resources: elk.kibana.resources, networkPolicy }, afterCluster);
    logstash = new Logstash(logstashContract.name, {
      namespace: ns, elasticsearch: connection, replicas: elk.logstash.replicas, resources: elk.logstash.resources,
      queueSize: elk.logstash.queueSize, storageClass: spec.storageClass, networkPolicy, shippers: shipperSpec.enabled ? [shipper] : [], scrapers,
    }, afterCluster);
  }
  const lokiStorage = lokiObjectStorageTarget(spec);
  // The cloud's explicit provider (region, allowed account, default tags, subscription), never the default one.
  const lokiProvider = lokiStorage && opts.cloudProviders?.[lokiStorage.cloud];
  const loki = lokiSpec.enabled
    ? new Loki("loki", {
        namespace: ns, retention: lokiSpec.retention, mode: lokiSpec.mode, replicas: lokiSpec.replicas, storageSize: lokiSpec.storageSize, storageClass: spec.storageClass,
        resources: lokiSpec.resources, objectStorage: lokiStorage, networkPolicy,
        writers: shipperSpec.enabled ? [shipper] : [], queriers, scrapers,
      }, lokiProvider ? { providers: [lokiProvider] } : undefined)
    : undefined;
  const logShipper = shipperSpec.enabled && loki
    ? new LogShipper(logShipperContract.name, {
        namespace: hostNamespace, cluster: spec.cluster, lokiPushUrl: loki.pushUrl, logstashUrl: logstash?.url,
        loki: loki.pushEndpoint.pods, logstash: logstash ? peerSelector(logstash.app, spec.namespace) : undefined,
        multilineMaxWait: shipperSpec.multilineMaxWait, multilineNamespaces: multilineNamespaces(spec), resources: shipperSpec.resources, networkPolicy, scrapers,
      })
    : undefined;
  const jaeger = jaegerSpec.enabled
    ? new Jaeger(jaegerContract.name, {
        namespace: ns, storage: jaegerSpec.storage, replicas: jaegerSpec.replicas, memoryMaxTraces: jaegerSpec.memoryMaxTraces,
        storageSize: jaegerSpec.storageSize, storageClass: spec.storageClass, retentionDays: jaegerSpec.retentionDays,
        elasticsearch: jaegerOnEs ? elasticsearch?.connection : undefined, indices: elk.indices, sampling: jaegerSpec.sampling,
        resources: jaegerSpec.resources, networkPolicy, queriers, scrapers,
      }, jaegerOnEs && elasticsearch ? { dependsOn: [elasticsearch] } : undefined)
    : undefined;
  const scrapeTargets = [operator, elasticsearchExporter, logstash, loki, logShipper, jaeger].flatMap((part) => (part ? [part.scrapeTarget] : []));
  return { elasticsearch, kibana, logstash, loki, logShipper, jaeger, elasticsearchExporter, scrapeTargets };
}

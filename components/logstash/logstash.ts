import * as pulumi from "@pulumi/pulumi";
import { ConfigMap, Service } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { ElasticsearchConnection, elasticsearchContract, ELASTIC_UID } from "../elasticsearch";
import { images } from "../images";
import {
  anywhere, AppIdentity, contentHash, dependsOnWith, httpProbe, objectMeta, PeerSelector, podPeers, renderAppNetworkPolicy,
  renderPodDisruptionBudget, renderService, renderStatefulSet, ResourceRequirements, WorkloadSpec,
  mountByName, statefulSetWithOwnedClaims, namedConfigOptions,
} from "../kube";
import { renderLogstashPipeline } from "../log-parsing";
import type { AppScrapeTarget } from "../prometheus/render-config";
import { toYaml } from "../yaml";
import { parseBytes } from "../units";
import { LOGSTASH_API_PORT, LOGSTASH_HTTP_PORT, LOGSTASH_METRICS_PORT, LOGSTASH_PIPELINE_ID, logstashContract, logstashDefaults, logstashExporterDefaults } from "./contract";
import { logstashHeapOptions } from "./heap";
import { LOGSTASH_EXPORTER_MODULE, LOGSTASH_STATS_URL, renderLogstashExporterConfig } from "./render-exporter-config";

const HOME = "/usr/share/logstash";

export interface LogstashArgs {
  /** Namespace (the Elasticsearch cluster's). */
  namespace: pulumi.Input<string>;
  /** The cluster it writes to (`Elasticsearch.connection`), as its least-privileged log writer. */
  elasticsearch: ElasticsearchConnection;
  /** Replicas (default 1); the shipper spreads its requests over them through the Service. */
  replicas?: number;
  /** Requests and limits; the JVM heap is set to half the memory limit (LS_JAVA_OPTS), the rest is off-heap. */
  resources?: ResourceRequirements;
  /** Persistent queue volume per replica (default 2Gi): events survive a restart while Elasticsearch is away. */
  queueSize?: string;
  /** Storage class of the queue volume. */
  storageClass?: pulumi.Input<string>;
  /** Create a NetworkPolicy (default true). */
  networkPolicy?: boolean;
  /** Pods that ship logs to Logstash (the log shipper). */
  shippers?: PeerSelector[];
  /** Pods that scrape the metrics sidecar (Prometheus). */
  scrapers?: PeerSelector[];
  /** Requests and limits of the metrics sidecar (json_exporter). */
  exporterResources?: ResourceRequirements;
}

export function logstashIdentity(name: string): AppIdentity {
  return { name: logstashContract.name, instance: name, component: "logs-processing", image: images.logstash };
}

/**
 * Logstash with the seed's parsing pipeline (components/log-parsing), run by our hardened StatefulSet
 * builder: a persistent queue on a volume, the writer's credentials from its Secret as environment
 * variables, Elasticsearch's CA mounted, the pipeline's hash on the pods so a rule change rolls them.
 * Pass the Elasticsearch component in `opts.dependsOn`: Logstash then starts writing only once the index
 * templates and lifecycle policy are in place (an index created before its template gets the wrong mapping).
 */
export class Logstash extends pulumi.ComponentResource {
  /** Base URL of the OTLP/HTTP input, for the log shipper. */
  public readonly url: pulumi.Output<string>;
  /** The rendered pipeline files (10-input.conf, 20-filter.conf, 30-output.conf). */
  public readonly pipeline: pulumi.Output<Record<string, string>>;
  public readonly app: AppIdentity;
  /** What Prometheus scrapes: the metrics sidecar's /probe, which reads Logstash's /_node/stats over loopback. */
  public readonly scrapeTarget: pulumi.Output<AppScrapeTarget>;

  constructor(name: string, args: LogstashArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:logstash:Logstash", name, {}, opts);
    const app = logstashIdentity(name);
    this.app = app;
    const ns = args.namespace;
    const es = args.elasticsearch;
    const queueSize = args.queueSize ?? logstashDefaults.queueSize;

    this.pipeline = pulumi.all([es.url, es.indexPrefix]).apply(([url, indexPrefix]) => renderLogstashPipeline({
      httpPort: LOGSTASH_HTTP_PORT,
      elasticsearchHosts: [url],
      userEnv: "ES_USER",
      passwordEnv: "ES_PASSWORD",
      caFile: "/etc/es-ca/ca.crt",
      indexPrefix,
    }));
    const settings = toYaml({
      "api.http.host": "0.0.0.0",
      "api.http.port": LOGSTASH_API_PORT,
      "path.data": `${HOME}/data`,
      // Accepted events are on disk before the shipper gets its 200; 80% of the volume, the rest for pages in flight.
      "queue.type": "persisted",
      "queue.max_bytes": `${Math.floor((parseBytes(queueSize)! * 0.8) / 2 ** 20)}mb`,
      "pipeline.ecs_compatibility": "v8",
      "log.format": "json",
      "xpack.monitoring.enabled": false,
    });
    const pipelines = toYaml([{ "pipeline.id": LOGSTASH_PIPELINE_ID, "path.config": `${HOME}/pipeline/*.conf` }]);
    const exporterConfig = renderLogstashExporterConfig({ pipelines: [LOGSTASH_PIPELINE_ID] });

    const pipelineConfig = new ConfigMap(`${name}-pipeline`, { metadata: objectMeta(app, ns, `${name}-pipeline`), data: this.pipeline }, { parent: this, ...namedConfigOptions });
    const settingsConfig = new ConfigMap(`${name}-settings`, { metadata: objectMeta(app, ns, `${name}-settings`), data: { "logstash.yml": settings, "pipelines.yml": pipelines } }, { parent: this, ...namedConfigOptions });
    const exporterConfigMap = new ConfigMap(`${name}-exporter`, { metadata: objectMeta(app, ns, `${name}-exporter`), data: { "config.yml": exporterConfig } }, { parent: this, ...namedConfigOptions });
    const service = new Service(name, renderService({ app, namespace: ns, ports: [{ name: "otlp-http", port: LOGSTASH_HTTP_PORT }] }), { parent: this });
    // The headless Service names each pod; Prometheus discovers the sidecars' `metrics` port through it.
    new Service(`${name}-headless`, renderService({
      app, namespace: ns, name: `${name}-headless`, headless: true,
      ports: [{ name: "api", port: LOGSTASH_API_PORT }, { name: "metrics", port: LOGSTASH_METRICS_PORT }],
    }), { parent: this });
    this.scrapeTarget = pulumi.output(ns).apply((namespace) => ({
      namespace, app: app.name, port: "metrics", service: `${name}-headless`, job: logstashContract.job,
      path: "/probe", params: { module: [LOGSTASH_EXPORTER_MODULE], target: [LOGSTASH_STATS_URL] },
    }));
    this.url = pulumi.interpolate`http://${service.metadata.name}.${ns}.svc:${LOGSTASH_HTTP_PORT}`;

    const resources = args.resources ?? logstashDefaults.resources;
    const writer = es.logWriterSecret;
    const workload: WorkloadSpec = {
      app, namespace: ns,
      replicas: args.replicas ?? logstashDefaults.replicas,
      runAsUser: ELASTIC_UID,
      configHash: this.pipeline.apply((files) => contentHash(...Object.values(files), settings, pipelines, exporterConfig)),
      // Time to drain the in-flight batch to the persistent queue.
      terminationGracePeriodSeconds: 60,
      containers: [{
        name: "logstash",
        image: images.logstash,
        // `args` keep the image's entrypoint (only `command` would replace it): it rewrites logstash.yml only
        // when an environment variable names a Logstash setting (none of ours does, so the read-only mount is
        // left alone), then runs Logstash.
        args: [`${HOME}/bin/logstash`],
        env: [
          { name: "ES_USER", valueFrom: { secretKeyRef: { name: writer, key: "username" } } },
          { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: writer, key: "password" } } },
          { name: "LS_JAVA_OPTS", value: `${logstashHeapOptions(resources.limits.memory)} -Djava.io.tmpdir=/tmp` },
        ],
        ports: [{ name: "otlp-http", containerPort: LOGSTASH_HTTP_PORT }, { name: "api", containerPort: LOGSTASH_API_PORT }],
        resources,
        startupProbe: { ...httpProbe("/", "api"), failureThreshold: 30 },
        livenessProbe: httpProbe("/", "api", { failureThreshold: 6 }),
        readinessProbe: httpProbe("/", "api"),
        volumeMounts: [
          { name: "pipeline", mountPath: `${HOME}/pipeline`, readOnly: true },
          { name: "settings", mountPath: `${HOME}/config/logstash.yml`, subPath: "logstash.yml", readOnly: true },
          { name: "settings", mountPath: `${HOME}/config/pipelines.yml`, subPath: "pipelines.yml", readOnly: true },
          { name: "es-ca", mountPath: "/etc/es-ca", readOnly: true },
          { name: "data", mountPath: `${HOME}/data` },
          { name: "tmp", mountPath: "/tmp" },
        ],
      }, {
        // Logstash has only its JSON monitoring API: json_exporter turns /_node/stats into Prometheus series at
        // each scrape, reading it over the pod's loopback (LOGSTASH_STATS_URL).
        name: "metrics",
        image: images.jsonExporter,
        args: ["--config.file=/etc/json-exporter/config.yml", `--web.listen-address=:${LOGSTASH_METRICS_PORT}`],
        ports: [{ name: "metrics", containerPort: LOGSTASH_METRICS_PORT }],
        resources: args.exporterResources ?? logstashExporterDefaults.resources,
        // Its own /metrics, not /probe: a Logstash restart must not also fail the sidecar's probes (the
        // scrape's `up` says that Logstash does not answer).
        livenessProbe: httpProbe("/metrics", "metrics"),
        readinessProbe: httpProbe("/metrics", "metrics"),
        volumeMounts: [{ name: "exporter-config", mountPath: "/etc/json-exporter", readOnly: true }],
      }],
      volumes: [
        { name: "pipeline", configMap: { name: mountByName(pipelineConfig, `${name}-pipeline`) } },
        { name: "settings", configMap: { name: mountByName(settingsConfig, `${name}-settings`) } },
        { name: "exporter-config", configMap: { name: mountByName(exporterConfigMap, `${name}-exporter`) } },
        { name: "es-ca", secret: { secretName: es.caSecret } },
        { name: "tmp", emptyDir: { sizeLimit: "512Mi" } },
      ],
    };
    const sts = renderStatefulSet(workload, {
      serviceName: `${name}-headless`,
      volumeClaims: [{ name: "data", size: queueSize, storageClass: args.storageClass }],
    });
    statefulSetWithOwnedClaims(name, sts, { parent: this, dependsOn: dependsOnWith(opts, pipelineConfig, settingsConfig, exporterConfigMap) });
    const pdb = renderPodDisruptionBudget(workload);
    if (pdb) new PodDisruptionBudget(name, pdb, { parent: this });

    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app, namespace: ns,
        ingress: [
          { peers: podPeers(args.shippers), ports: [{ port: LOGSTASH_HTTP_PORT }] },
          { peers: podPeers(args.scrapers), ports: [{ port: LOGSTASH_METRICS_PORT }] },
        ],
        egress: [
          { peers: podPeers([es.pods]), ports: [{ port: elasticsearchContract.ports.http }] },
          // The GeoIP filter keeps its GeoLite2 database current from Elastic's service over HTTPS.
          { peers: [anywhere], ports: [{ port: 443 }] },
        ],
      }), { parent: this });
    }
    this.registerOutputs({ url: this.url, scrapeTarget: this.scrapeTarget });
  }
}

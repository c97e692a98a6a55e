import * as pulumi from "@pulumi/pulumi";
import { CustomResource, CustomResourceArgs } from "@pulumi/kubernetes/apiextensions";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { ECK_OPERATOR_LABELS, ElasticsearchConnection, elasticsearchContract } from "../elasticsearch";
import { images, imageTag } from "../images";
import { AppIdentity, dependsOnWith, PeerSelector, podPeers, renderAppNetworkPolicy, ResourceRequirements } from "../kube";
import { KIBANA_PORT, kibanaContract, kibanaDefaults } from "./contract";
import { assertDerivedNames } from "../name-rules";
import { kibanaDerivedNames, renderKibana } from "./render-instance";

export interface KibanaArgs {
  /** Namespace (the Elasticsearch cluster's). */
  namespace: pulumi.Input<string>;
  /** The cluster Kibana searches (`Elasticsearch.connection`); ECK wires the credentials and CA. */
  elasticsearch: ElasticsearchConnection;
  /** Replicas (default 1). */
  replicas?: number;
  /** Requests and limits. */
  resources?: ResourceRequirements;
  /** Create a NetworkPolicy (default true). */
  networkPolicy?: boolean;
  /** Pods allowed to open Kibana (an ingress controller, a VPN gateway); none = port-forward only. */
  clients?: PeerSelector[];
}

/** Kibana's identity (labels on its pods), for NetworkPolicy peers. */
export function kibanaIdentity(name: string): AppIdentity {
  return { name: kibanaContract.name, instance: name, component: "logs-ui", image: images.kibana };
}

/**
 * Kibana run by ECK: search, log pattern analysis, dashboards and alerting over the log indices. Pass the
 * Elasticsearch component (or the ECK operator) in `opts.dependsOn` to create Kibana after it.
 */
export class Kibana extends pulumi.ComponentResource {
  /** In-cluster HTTPS URL (ECK's self-signed certificate). */
  public readonly url: pulumi.Output<string>;
  public readonly app: AppIdentity;

  constructor(name: string, args: KibanaArgs, opts?: pulumi.ComponentResourceOptions) {
    assertDerivedNames(`Kibana ${name}`, kibanaDerivedNames(name));
    super("novacron:kibana:Kibana", name, {}, opts);
    const app = kibanaIdentity(name);
    this.app = app;
    const ns = args.namespace;
    const es = args.elasticsearch;
    new CustomResource(name, renderKibana({
      name, namespace: ns, app,
      version: imageTag(images.kibana),
      image: images.kibana,
      elasticsearchName: es.clusterName,
      replicas: args.replicas ?? kibanaDefaults.replicas,
      resources: args.resources ?? kibanaDefaults.resources,
    }) as CustomResourceArgs, { parent: this, dependsOn: dependsOnWith(opts) });
    this.url = pulumi.interpolate`https://${name}-kb-http.${ns}.svc:${KIBANA_PORT}`;

    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app, namespace: ns,
        ingress: [{ peers: [...podPeers(args.clients), ...podPeers([{ namespace: es.operatorNamespace, podLabels: ECK_OPERATOR_LABELS }])], ports: [{ port: KIBANA_PORT }] }],
        egress: [{ peers: podPeers([es.pods]), ports: [{ port: elasticsearchContract.ports.http }] }],
      }), { parent: this });
    }
    this.registerOutputs({ url: this.url });
  }
}

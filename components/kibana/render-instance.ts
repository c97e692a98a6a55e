// Pure: the Kibana instance ECK runs (its custom resource). The shape follows ECK 3.5's CRD; test/tools
// validates it against the CRD's openAPIV3Schema.
import type { Input } from "@pulumi/pulumi";
import { eckPodTemplate, elasticContainerSecurity } from "../elasticsearch/render-cluster";
import { standardLabels } from "../kube";
import type { AppIdentity, ResourceRequirements } from "../kube";
import type { DerivedName } from "../name-rules";

/** ECK's limit on a Kibana resource's name (it suffixes the name for the Deployment, Service and Secrets). */
export function kibanaDerivedNames(name: string): DerivedName[] {
  return [{ kind: "eckResourceName", name, names: "the Kibana resource", from: [["name"]] }];
}

export interface KibanaSpec {
  name: string;
  namespace: Input<string>;
  app: AppIdentity;
  version: string;
  image: string;
  elasticsearchName: Input<string>;
  replicas: number;
  resources: ResourceRequirements;
}

/** Kibana wired to the cluster by ECK (its service account token and the CA are managed for it). */
export function renderKibana(spec: KibanaSpec): Record<string, any> {
  return {
    apiVersion: "kibana.k8s.elastic.co/v1",
    kind: "Kibana",
    metadata: { name: spec.name, namespace: spec.namespace, labels: standardLabels(spec.app) },
    spec: {
      version: spec.version,
      image: spec.image,
      count: spec.replicas,
      elasticsearchRef: { name: spec.elasticsearchName },
      config: { "telemetry.optIn": false, "telemetry.allowChangingOptInStatus": false },
      // Kibana writes optimizer and data files; ECK mounts its data volume, /tmp is an emptyDir here.
      podTemplate: eckPodTemplate(spec.app, "kibana", spec.resources, {
        volumes: [{ name: "tmp", emptyDir: {} }],
        containers: [{ name: "kibana", resources: { requests: { ...spec.resources.requests }, limits: { ...spec.resources.limits } }, securityContext: elasticContainerSecurity, volumeMounts: [{ name: "tmp", mountPath: "/tmp" }] }],
      }),
    },
  };
}

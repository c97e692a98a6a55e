import * as pulumi from "@pulumi/pulumi";
import { DaemonSet } from "@pulumi/kubernetes/apps/v1";
import { Service } from "@pulumi/kubernetes/core/v1";
import { images } from "../images";
import { AppIdentity, httpProbe, renderDaemonSet, renderService, ResourceRequirements } from "../kube";
import type { InClusterApp } from "../prometheus/render-config";
import { NODE_EXPORTER_PORT, nodeExporterContract, nodeExporterDefaults } from "./contract";

export interface NodeExporterArgs {
  /** Namespace to deploy into; it must allow privileged pods (host network, PID and paths). */
  namespace: pulumi.Input<string>;
  /** CPU and memory requests and limits of the main container. */
  resources?: ResourceRequirements;
}

/**
 * node_exporter on every node. It needs host access, and says so on its pods: the host's /proc, /sys
 * and root filesystem (read-only) and its network and PID namespaces, to report the node's own CPU,
 * memory, disk and network rather than a container's. It still runs as nobody, with no capabilities.
 */
export class NodeExporter extends pulumi.ComponentResource {
  public readonly scrapeTarget: pulumi.Output<InClusterApp>;
  public readonly app: AppIdentity;

  constructor(name: string, args: NodeExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:exporters:NodeExporter", name, {}, opts);
    const app: AppIdentity = { name: nodeExporterContract.name, instance: name, component: "exporter", image: images.nodeExporter };
    this.app = app;
    const ns = args.namespace;

    new Service(name, renderService({ app, namespace: ns, headless: true, ports: [{ name: "metrics", port: NODE_EXPORTER_PORT }] }), { parent: this });
    this.scrapeTarget = pulumi.output(ns).apply((namespace) => ({ namespace, app: app.name, port: "metrics" }));

    new DaemonSet(name, renderDaemonSet({
      app,
      namespace: ns,
      hostAccess: {
        hostNetwork: true,
        hostPID: true,
        hostPaths: [
          { name: "proc", path: "/proc", mountPath: "/host/proc" },
          { name: "sys", path: "/sys", mountPath: "/host/sys" },
          { name: "root", path: "/", mountPath: "/host/root" },
        ],
        reason: "node metrics: reads the host's /proc, /sys and root filesystem read-only; host network and PID namespaces so network and process metrics are the node's",
      },
      // Every node, control plane and tainted nodes included: a node without metrics is a blind spot.
      tolerations: [{ operator: "Exists" }],
      containers: [{
        name: "node-exporter",
        image: images.nodeExporter,
        args: [
          "--path.procfs=/host/proc",
          "--path.sysfs=/host/sys",
          "--path.rootfs=/host/root",
          "--path.udev.data=/host/root/run/udev/data",
          `--web.listen-address=:${NODE_EXPORTER_PORT}`,
          // Container and pod mounts are cAdvisor's business; node-exporter reports the node's filesystems.
          "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/containerd/.+|var/lib/kubelet/pods/.+)($|/)",
          "--collector.netclass.ignored-devices=^(veth.*|cali.*|[a-f0-9]{15})$",
          "--collector.netdev.device-exclude=^(veth.*|cali.*|[a-f0-9]{15})$",
        ],
        ports: [{ name: "metrics", containerPort: NODE_EXPORTER_PORT }],
        resources: args.resources ?? nodeExporterDefaults.resources,
        livenessProbe: httpProbe("/", "metrics"),
        readinessProbe: httpProbe("/", "metrics"),
      }],
    }), { parent: this });
    // No NetworkPolicy: policies do not apply to host-network pods.
    this.registerOutputs({ scrapeTarget: this.scrapeTarget });
  }
}

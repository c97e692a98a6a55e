import * as pulumi from "@pulumi/pulumi";
import { DaemonSet } from "@pulumi/kubernetes/apps/v1";
import { Service } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { images } from "../images";
import {
  AppIdentity, httpProbe, renderAppNetworkPolicy, renderDaemonSet, renderService, podPeers, ScrapedExporterArgs,
} from "../kube";
import type { InClusterApp } from "../prometheus/render-config";
import { CADVISOR_PORT, cadvisorContract, cadvisorDefaults } from "./contract";

/** cAdvisor's namespace must allow privileged pods (root, host paths). */
export interface CadvisorArgs extends ScrapedExporterArgs {}

/**
 * cAdvisor on every node, for per-container CPU, memory, network and filesystem usage. It needs host
 * access, and says so on its pods: the container runtime's state, cgroups (/sys) and the root
 * filesystem, read-only, as root (the runtime's state directories are root-only), with only
 * DAC_READ_SEARCH added back to walk container filesystems owned by other users for disk usage.
 */
export class Cadvisor extends pulumi.ComponentResource {
  public readonly scrapeTarget: pulumi.Output<InClusterApp>;
  public readonly app: AppIdentity;

  constructor(name: string, args: CadvisorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:exporters:Cadvisor", name, {}, opts);
    const app: AppIdentity = { name: cadvisorContract.name, instance: name, component: "exporter", image: images.cadvisor };
    this.app = app;
    const ns = args.namespace;

    new Service(name, renderService({ app, namespace: ns, headless: true, ports: [{ name: "http", port: CADVISOR_PORT }] }), { parent: this });
    this.scrapeTarget = pulumi.output(ns).apply((namespace) => ({ namespace, app: app.name, port: "http" }));

    new DaemonSet(name, renderDaemonSet({
      app,
      namespace: ns,
      hostAccess: {
        hostPaths: [
          { name: "rootfs", path: "/", mountPath: "/rootfs" },
          { name: "var-run", path: "/var/run", mountPath: "/var/run" },
          { name: "sys", path: "/sys", mountPath: "/sys" },
          { name: "containerd", path: "/var/lib/containerd", mountPath: "/var/lib/containerd" },
          { name: "disk", path: "/dev/disk", mountPath: "/dev/disk" },
        ],
        reason: "container metrics: reads cgroups, the container runtime's state and the root filesystem read-only",
      },
      tolerations: [{ operator: "Exists" }],
      containers: [{
        name: "cadvisor",
        image: images.cadvisor,
        args: [
          `--port=${CADVISOR_PORT}`,
          "--housekeeping_interval=10s",
          "--max_housekeeping_interval=15s",
          "--store_container_labels=false",
          "--whitelisted_container_labels=io.kubernetes.container.name,io.kubernetes.pod.name,io.kubernetes.pod.namespace",
          // Expensive collectors nothing here reads.
          "--disable_metrics=percpu,process,sched,tcp,udp,hugetlb,referenced_memory,cpu_topology,resctrl,advtcp",
        ],
        ports: [{ name: "http", containerPort: CADVISOR_PORT }],
        resources: args.resources ?? cadvisorDefaults.resources,
        livenessProbe: httpProbe("/healthz", "http"),
        readinessProbe: httpProbe("/healthz", "http"),
        privileges: { runAsUser: 0, addCapabilities: ["DAC_READ_SEARCH"], reason: "root-only container runtime state; DAC_READ_SEARCH to measure container filesystems" },
      }],
    }), { parent: this });

    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app,
        namespace: ns,
        ingress: [{ peers: podPeers(args.scrapers), ports: [{ port: CADVISOR_PORT }] }],
        egress: [],
      }), { parent: this });
    }
    this.registerOutputs({ scrapeTarget: this.scrapeTarget });
  }
}

import type * as k8s from "@pulumi/kubernetes/types/input";
import { images } from "../images";
import { httpProbe, type ContainerSpec } from "./workload";

/**
 * A sidecar that watches mounted ConfigMaps and POSTs the server's /-/reload when they change, so
 * config and rule changes apply without restarting the pod (Prometheus would replay its WAL; an
 * Alertmanager restart drops in-flight notification state).
 */
export function reloaderContainer(opts: { reloadUrl: string; watchedDirs: string[]; mounts: k8s.core.v1.VolumeMount[]; listenPort?: number }): ContainerSpec {
  return {
    name: "config-reloader",
    image: images.configReloader,
    args: [
      `--listen-address=:${opts.listenPort ?? 8081}`,
      `--reload-url=${opts.reloadUrl}`,
      ...opts.watchedDirs.map((dir) => `--watched-dir=${dir}`),
    ],
    ports: [{ name: "reloader-web", containerPort: opts.listenPort ?? 8081 }],
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    volumeMounts: opts.mounts,
    // Its web server answers /healthz once watching; a wedged reloader is restarted instead of silently
    // leaving config changes unapplied.
    livenessProbe: httpProbe("/healthz", "reloader-web"),
    readinessProbe: httpProbe("/healthz", "reloader-web"),
  };
}

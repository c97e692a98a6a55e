// Pinned images: every container runs a version or a digest, never a tag that moves.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, objectRef, podSpecsOf } from "./resource-inputs";

/** Tags that move: they name no version, so two pulls may run different code. */
const floatingTags = new Set(["latest", "stable", "main", "master", "edge", "nightly", "dev", "canary", "release"]);

/** Why an image reference is not pinned to a version, or undefined when it is (a digest, or a versioned tag). */
export function imagePinProblem(image: unknown): string | undefined {
  if (typeof image !== "string" || image.trim() === "") return "has no image";
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  if (colon < 0) return `image "${image}" has no tag (it means :latest); pin a version or a digest`;
  const tag = image.slice(colon + 1);
  if (floatingTags.has(tag.toLowerCase())) return `image "${image}" uses the floating tag "${tag}"; pin a version or a digest`;
  if (!/\d+\.\d+/.test(tag)) return `image "${image}" tag "${tag}" is not a version (major.minor at least); pin a version or a digest`;
  return undefined;
}

/**
 * ECK's custom resources, by `<API group>/<kind>`, and the main container ECK runs for each: from the
 * resource's `spec.image`, or else from Elastic's image at exactly `spec.version`; a pod template leaves that
 * container's image unset. Any other container in the template (a sidecar) gets no image from ECK.
 */
export const eckMainContainers: Readonly<Record<string, string>> = {
  "elasticsearch.k8s.elastic.co/Elasticsearch": "elasticsearch",
  "kibana.k8s.elastic.co/Kibana": "kibana",
  "logstash.k8s.elastic.co/Logstash": "logstash",
  "apm.k8s.elastic.co/ApmServer": "apm-server",
};

/** The ECK resource kind of an object (`<API group>/<kind>`), when it is one ECK runs containers for. */
function eckKindOf(props: Record<string, any>): string | undefined {
  const group = String(props?.apiVersion ?? "").split("/")[0];
  const kind = `${group}/${props?.kind}`;
  return kind in eckMainContainers ? kind : undefined;
}

/**
 * Why an ECK resource's own image settings are not a pin, or undefined: `spec.version` must be an exact
 * version (the operator configures the cluster for it, and without `spec.image` it picks the image by it),
 * and an explicit `spec.image` must be pinned and be that same version.
 */
export function eckImagePinProblem(props: Record<string, any>): string | undefined {
  const version = props?.spec?.version;
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+$/.test(version)) return `spec.version ${JSON.stringify(version)} is not an exact version (major.minor.patch)`;
  const image = props.spec.image;
  if (image === undefined || image === null || image === "") return undefined;
  const problem = imagePinProblem(image);
  if (problem) return `spec.${problem}`;
  const tag = /@sha256:/.test(image) ? undefined : image.slice(image.lastIndexOf(":") + 1);
  if (tag !== undefined && tag !== version && !tag.startsWith(`${version}-`)) return `spec.image "${image}" is not spec.version ${version} (ECK configures the cluster for spec.version)`;
  return undefined;
}

/**
 * Every container image is pinned to a version (no `latest`, no bare major, no missing tag) or a digest.
 * In ECK's resources the main container's image comes from `spec.image` / `spec.version` (checked instead).
 */
export function validateImagesPinned(args: ResourceValidationArgs, report: ReportViolation): void {
  const eck = eckKindOf(args.props);
  if (eck) {
    const problem = eckImagePinProblem(args.props);
    if (problem) report(`${args.props.kind} ${objectRef(args.props)}: ${problem}`);
  }
  for (const pod of podSpecsOf(args.type, args.props)) {
    for (const { kind, container } of containersOf(pod.spec)) {
      // ECK fills in the main container's image (from spec.image or spec.version, checked above).
      const setByEck = eck !== undefined && kind === "containers" && container.name === eckMainContainers[eck] && (container.image === undefined || container.image === "");
      if (setByEck) continue;
      const problem = imagePinProblem(container.image);
      if (problem) report(`${args.props.kind} ${objectRef(args.props)} container "${container.name}": ${problem}`);
    }
  }
}

export const pinnedImagesPolicy: ResourceValidationPolicy = {
  name: "images-pinned",
  description: "Every container image is pinned to a version tag or a digest (no latest, no missing tag).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateImagesPinned,
};

// Production replicas: on production stacks the clustered apps run enough replicas to stay available.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { minProductionReplicas } from "../components/high-availability";
import { configOf, stringList } from "./policy-config";
import { appOf, objectRef, stackOf } from "./resource-inputs";

/** Stacks whose name is one of these are production stacks (the name is read from the resource's URN). */
export const defaultProductionStacks: readonly string[] = ["prod", "production"];

interface ReplicasConfig {
  productionStacks: string[];
  minReplicas: Record<string, number>;
}

/** On production stacks, each app in `minReplicas` (by `app.kubernetes.io/name`) runs at least that many replicas. */
export function validateProductionReplicas(args: ResourceValidationArgs, report: ReportViolation): void {
  if (!args.type.startsWith("kubernetes:apps/") || !["StatefulSet", "Deployment"].includes(args.props?.kind)) return;
  const { productionStacks, minReplicas } = configOf<ReplicasConfig>(args, {
    productionStacks: [...defaultProductionStacks],
    minReplicas: { ...minProductionReplicas },
  });
  const stack = stackOf(args.urn);
  if (!stack || !productionStacks.includes(stack)) return;
  const app = appOf(args.props, args.props.spec?.template?.metadata);
  const min = app !== undefined ? minReplicas[app] : undefined;
  if (min === undefined) return;
  const replicas = args.props.spec?.replicas ?? 1;
  if (typeof replicas === "number" && replicas < min) {
    report(`${args.props.kind} ${objectRef(args.props)} runs ${replicas} replica${replicas === 1 ? "" : "s"} of ${app}; production stack "${stack}" needs at least ${min}`);
  }
}

export const productionReplicasPolicy: ResourceValidationPolicy = {
  name: "production-replicas",
  description: `On production stacks, Prometheus runs at least ${minProductionReplicas.prometheus} replicas and Alertmanager at least ${minProductionReplicas.alertmanager}.`,
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      productionStacks: { ...stringList, default: [...defaultProductionStacks] },
      minReplicas: { type: "object", additionalProperties: { type: "integer", minimum: 1 }, default: { ...minProductionReplicas } },
    },
  },
  validateResource: validateProductionReplicas,
};

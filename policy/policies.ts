// The CrossGuard policies: what our components' defaults promise, enforced on every Kubernetes object a stack
// registers — ours, or any stack that imports our components. One file per policy, each a pure validator over
// resource inputs (the same camelCase props the engine hands a policy pack), so they are unit-tested by
// calling them directly.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { noSecretsInConfigMapsPolicy } from "./configmap-secrets";
import { pinnedImagesPolicy } from "./images";
import { loadBalancersPolicy } from "./load-balancers";
import { podSecurityPolicy } from "./pod-security";
import { productionReplicasPolicy } from "./production-replicas";
import { containerResourcesPolicy } from "./resources";

/** Every policy of the pack, mandatory: a violation blocks the preview/update. */
export const policies: ResourceValidationPolicy[] = [
  podSecurityPolicy,
  containerResourcesPolicy,
  pinnedImagesPolicy,
  noSecretsInConfigMapsPolicy,
  loadBalancersPolicy,
  productionReplicasPolicy,
];

// Every alert's promtool case builder, by alert name. Internal to the catalog: not part of the package's API.
import { applicationCases } from "./application";
import { eckOperatorCases } from "./eck-operator";
import { infrastructureCases } from "./infrastructure";
import { kubernetesClusterCases } from "./kubernetes-cluster";
import { kubernetesWorkloadCases } from "./kubernetes-workloads";
import { mlCases } from "./ml";
import { pipelineCases } from "./pipeline";
import { CaseBuilder } from "./series";
import { stackCases } from "./stack";
import { thanosCases } from "./thanos";

export const caseBuilders: Readonly<Record<string, CaseBuilder>> = {
  ...infrastructureCases, ...kubernetesClusterCases, ...kubernetesWorkloadCases, ...applicationCases, ...mlCases, ...stackCases, ...thanosCases, ...pipelineCases, ...eckOperatorCases,
};

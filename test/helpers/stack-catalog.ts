// The alert catalog a rendered stack deploys: the catalog in that stack's own scope (catalogScopeOf in
// stacks/monitoring-stack.ts) and with its thresholds, from the stack's spec as the program reads it (the
// preset and Pulumi.<env>.yaml: prod's file switches Thanos on, so prod carries the Thanos alerts). Tests of
// rendered stacks compare against this, not the full catalog, which also holds the alerts of parts a stack
// may not run.
import { AlertDefinition, buildAlertCatalog } from "../../components/alerts";
import { readStackConfig } from "../../scripts/render";
import { parseStackConfig } from "../../stacks/config";
import { catalogScopeOf } from "../../stacks/monitoring-stack";
import type { Environment } from "../../stacks/schema";

export function deployedCatalog(env: Environment): AlertDefinition[] {
  const { config, secretKeys } = readStackConfig(env);
  const { spec } = parseStackConfig(config, new Set(secretKeys));
  return buildAlertCatalog(spec.alerts, catalogScopeOf(spec));
}

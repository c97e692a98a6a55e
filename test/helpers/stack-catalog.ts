// The alert catalog a rendered stack deploys: the catalog in that stack's own scope (catalogScopeOf in
// stacks/monitoring-stack.ts), with the default thresholds the presets keep. Tests of rendered stacks compare
// against this, not the full catalog, which also holds the alerts of parts a stack may not run (Thanos).
import { AlertDefinition, buildAlertCatalog } from "../../components/alerts";
import { catalogScopeOf } from "../../stacks/monitoring-stack";
import { presets } from "../../stacks/presets";
import type { Environment } from "../../stacks/schema";

export function deployedCatalog(env: Environment): AlertDefinition[] {
  return buildAlertCatalog({}, catalogScopeOf(presets[env]));
}

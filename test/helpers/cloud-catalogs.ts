// The catalogs every cloud's translation of the alerts is checked against (components/cloud/*/render-resources.test.ts).
import { alertCatalog, AlertDefinition } from "../../components/alerts";

export const runbookBaseUrl = "https://runbooks.example/alerts";

/** A catalog with one extra alert: every translation must carry it without being told about it. */
const extraAlert: AlertDefinition = {
  name: "NewlyAddedAlert", domain: "application", severity: "critical", expr: "novacron_queue_depth > 1000", for: "7m",
  summary: "Queue deep", description: "Queue on {{ $labels.instance }} is deep.", tests: [],
};
export const catalogs: [string, readonly AlertDefinition[]][] = [["the catalog", alertCatalog], ["the catalog plus a new alert", [...alertCatalog, extraAlert]]];

/** A rule as a Prometheus rule file holds it. */
export interface PromRule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string> }

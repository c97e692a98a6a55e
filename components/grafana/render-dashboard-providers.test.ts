// Grafana's dashboard providers: one read-only file provider per folder, at the folder's mount path.
import { buildDashboards } from "./dashboards";
import { renderDashboardProviders } from "./render-dashboard-providers";

test("one read-only file provider per folder", () => {
  const providers = renderDashboardProviders(buildDashboards()) as any;
  expect(providers.providers.map((p: any) => [p.folder, p.options.path, p.allowUiUpdates])).toEqual([
    ["Kubernetes", "/etc/grafana/dashboards/novacron-kubernetes", false],
    ["NovaCron", "/etc/grafana/dashboards/novacron", false],
    ["Monitoring stack", "/etc/grafana/dashboards/novacron-monitoring-stack", false],
  ]);
});

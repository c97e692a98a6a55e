// Pure: Grafana's dashboard providers (provisioning/dashboards/dashboards.yaml), one per folder.
import type { DashboardDefinition, FolderKey } from "./dashboards/common";
import { folders } from "./dashboards/common";

export const DASHBOARDS_DIR = "/etc/grafana/dashboards";

/** The directory a folder's dashboards are mounted at (one ConfigMap per folder). */
export const folderDir = (folder: FolderKey) => `${DASHBOARDS_DIR}/${folders[folder].uid}`;

/** One file provider per folder: dashboards are code, so the UI may not save over them. */
export function renderDashboardProviders(dashboards: DashboardDefinition[]): Record<string, unknown> {
  const used = [...new Set(dashboards.map((d) => d.folder))].sort();
  return {
    apiVersion: 1,
    providers: used.map((folder) => ({
      name: folders[folder].uid,
      orgId: 1,
      folder: folders[folder].title,
      folderUid: folders[folder].uid,
      type: "file",
      disableDeletion: true,
      allowUiUpdates: false,
      updateIntervalSeconds: 30,
      options: { path: folderDir(folder), foldersFromFilesStructure: false },
    })),
  };
}

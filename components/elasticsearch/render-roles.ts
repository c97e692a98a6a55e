// Pure: the users the stack creates in Elasticsearch and their roles (roles.yml of ECK's file realm).

/** Users the stack creates (file realm), each with the least its job needs. */
export const esUsers = {
  logstash: { username: "novacron-logstash", role: "novacron_logstash_writer" },
  grafana: { username: "novacron-grafana", role: "novacron_reader" },
  jaeger: { username: "novacron-jaeger", role: "novacron_jaeger" },
  bootstrap: { username: "novacron-bootstrap", role: "novacron_bootstrap" },
  monitoring: { username: "novacron-monitoring", role: "novacron_monitor" },
} as const;
export type EsUser = keyof typeof esUsers;

/** roles.yml for ECK's file-realm roles. */
export function renderRoles(prefix: string): Record<string, unknown> {
  const logs = [`${prefix}-*`];
  return {
    novacron_logstash_writer: {
      cluster: ["monitor"],
      indices: [{ names: logs, privileges: ["create_doc", "create_index", "auto_configure", "view_index_metadata"] }],
    },
    // Grafana's data source: read only.
    novacron_reader: {
      cluster: ["monitor"],
      indices: [{ names: logs, privileges: ["read", "view_index_metadata"] }],
    },
    // Jaeger writes and reads its span/service indices and installs their templates; the index cleaner deletes old days.
    novacron_jaeger: {
      cluster: ["monitor", "manage_index_templates"],
      indices: [{ names: ["jaeger-*"], privileges: ["create_index", "create_doc", "write", "read", "view_index_metadata", "delete_index", "manage"] }],
    },
    // The bootstrap Job: lifecycle policies, index templates, the snapshot repository (which needs `manage`).
    novacron_bootstrap: { cluster: ["manage_ilm", "manage_index_templates", "manage_slm", "manage"], indices: [] },
    // The metrics exporter: cluster health, node stats and cluster settings (disk watermarks); no index data.
    novacron_monitor: { cluster: ["monitor"], indices: [] },
  };
}

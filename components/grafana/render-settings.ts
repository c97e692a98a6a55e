// Pure: Grafana's settings as GF_* environment variables, and the replica decision. Secrets are never values
// here, only paths to mounted Secret files.

/** Mounted Secret holding the admin password and the secret key (and the database URL when there is one). */
export const GRAFANA_SECRETS_DIR = "/etc/grafana/secrets/grafana";

export interface GrafanaSettings {
  /** The URL people reach Grafana at; unset, Grafana's default (http://localhost:3000). */
  rootUrl?: string;
  /** A shared database is configured (its URL read from the secrets file). */
  database: boolean;
}

/**
 * Grafana's settings as environment variables (GF_<SECTION>_<KEY>). `__FILE` variants are read from mounted
 * Secret files by the image's entrypoint, so no secret is in the pod spec.
 */
export function renderGrafanaEnv(settings: GrafanaSettings): Record<string, string> {
  return {
    GF_PATHS_PROVISIONING: "/etc/grafana/provisioning",
    GF_PATHS_DATA: "/var/lib/grafana",
    GF_PATHS_PLUGINS: "/var/lib/grafana/plugins",
    // The root filesystem is read-only: log to stdout only.
    GF_LOG_MODE: "console",
    GF_SECURITY_ADMIN_USER: "admin",
    GF_SECURITY_ADMIN_PASSWORD__FILE: `${GRAFANA_SECRETS_DIR}/admin-password`,
    // Encrypts datasource secrets in Grafana's database; never Grafana's built-in default key.
    GF_SECURITY_SECRET_KEY__FILE: `${GRAFANA_SECRETS_DIR}/secret-key`,
    GF_SECURITY_COOKIE_SECURE: settings.rootUrl?.startsWith("https://") ? "true" : "false",
    GF_SECURITY_DISABLE_GRAVATAR: "true",
    GF_USERS_ALLOW_SIGN_UP: "false",
    GF_USERS_ALLOW_ORG_CREATE: "false",
    GF_AUTH_ANONYMOUS_ENABLED: "false",
    GF_AUTH_DISABLE_LOGIN_FORM: "false",
    // Alerts are Prometheus' and Alertmanager's: Grafana evaluates none, yet shows Alertmanager's alerts and silences.
    GF_UNIFIED_ALERTING_ENABLED: "true",
    GF_UNIFIED_ALERTING_EXECUTE_ALERTS: "false",
    GF_ANALYTICS_REPORTING_ENABLED: "false",
    GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
    GF_PLUGINS_PREINSTALL_DISABLED: "true",
    ...(settings.rootUrl ? { GF_SERVER_ROOT_URL: settings.rootUrl } : {}),
    ...(settings.database ? { GF_DATABASE_URL__FILE: `${GRAFANA_SECRETS_DIR}/database-url` } : {}),
  };
}

/**
 * Replicas share users, sessions, preferences and annotations only through one database; without it each
 * replica would have its own SQLite file and users would see different Grafanas on every request.
 */
export function grafanaReplicas(requested: number, hasDatabase: boolean): { replicas: number; reason?: string } {
  if (requested <= 1 || hasDatabase) return { replicas: Math.max(1, requested) };
  return {
    replicas: 1,
    reason: `running 1 replica instead of ${requested}: replicas share state only through a database (set databaseUrl); without one, Grafana keeps it in SQLite on a volume`,
  };
}

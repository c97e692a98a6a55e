// Grafana's settings (GF_* environment variables) and the replica decision.
import { grafanaReplicas, renderGrafanaEnv } from "./render-settings";

describe("settings and replicas", () => {
  test("sign-up and anonymous access off, Grafana evaluates no alerts, secrets only as file paths", () => {
    const env = renderGrafanaEnv({ database: true, rootUrl: "https://grafana.novacron.com" });
    expect(env).toMatchObject({
      GF_USERS_ALLOW_SIGN_UP: "false",
      GF_AUTH_ANONYMOUS_ENABLED: "false",
      GF_UNIFIED_ALERTING_EXECUTE_ALERTS: "false",
      GF_SECURITY_COOKIE_SECURE: "true",
      GF_SECURITY_ADMIN_PASSWORD__FILE: "/etc/grafana/secrets/grafana/admin-password",
      GF_DATABASE_URL__FILE: "/etc/grafana/secrets/grafana/database-url",
    });
    expect(Object.keys(env).filter((k) => /PASSWORD|SECRET|DATABASE_URL/.test(k)).every((k) => k.endsWith("__FILE"))).toBe(true);
    expect(renderGrafanaEnv({ database: false })).not.toHaveProperty("GF_DATABASE_URL__FILE");
  });

  test("more than one replica only with a shared database", () => {
    expect(grafanaReplicas(2, true)).toEqual({ replicas: 2 });
    expect(grafanaReplicas(2, false)).toEqual({ replicas: 1, reason: expect.stringMatching(/replicas share state only through a database/) });
    expect(grafanaReplicas(1, false)).toEqual({ replicas: 1 });
  });
});

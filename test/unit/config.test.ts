import { deepMerge, parseStackConfig, RawConfig, StackConfigError } from "../../stacks/config";
import { presets } from "../../stacks/presets";
import { parseBytes, parseDuration } from "../../stacks/schema";

const cfg = (values: Record<string, unknown>): RawConfig =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`novacron:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));

const secretSet = (...keys: string[]) => new Set(keys.map((k) => `novacron:${k}`));

/** The problems of a config that must be refused (fails the test if it is accepted). */
function problemsOf(raw: RawConfig, secrets = new Set<string>()): { key: string; message: string }[] {
  try {
    parseStackConfig(raw, secrets);
  } catch (err) {
    expect(err).toBeInstanceOf(StackConfigError);
    return (err as StackConfigError).problems;
  }
  throw new Error("config was accepted");
}

const prodChannels = {
  slack: { enabled: true, channel: "#alerts" },
};

describe("presets", () => {
  test("dev applies its preset: one replica each, 7d retention", () => {
    const { spec } = parseStackConfig(cfg({ environment: "dev" }));
    expect(spec.prometheus.replicas).toBe(1);
    expect(spec.alertmanager.replicas).toBe(1);
    expect(spec.prometheus.retentionTime).toBe("7d");
    expect(spec.namespace).toBe("monitoring");
  });

  test("prod applies the seed's HA and retention (30d, 50GB, Prometheus x2, Alertmanager x3)", () => {
    const { spec } = parseStackConfig(cfg({ environment: "prod", notifications: prodChannels, slackWebhookUrl: "https://hooks.slack.com/services/T/B/X" }), secretSet("slackWebhookUrl"));
    expect(spec.prometheus).toMatchObject({ replicas: 2, retentionTime: "30d", retentionSize: "50GB" });
    expect(spec.alertmanager.replicas).toBe(3);
  });

  test("Pulumi.<env>.yaml only overrides: nested keys merge, untouched keys keep the preset", () => {
    // (Longer than dev's week: a shorter one would also need the SLOs' windows shortened, novacron:slos.)
    const { spec } = parseStackConfig(cfg({ environment: "dev", prometheus: { retentionTime: "14d" } }));
    expect(spec.prometheus.retentionTime).toBe("14d");
    expect(spec.prometheus.storageSize).toBe(presets.dev.prometheus.storageSize);
  });

  test("lists replace rather than merge", () => {
    expect(deepMerge({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { d: 4 } })).toEqual({ a: [3], b: { c: 1, d: 4 } });
  });

  test("every preset is valid on its own", () => {
    for (const env of ["dev", "prod"] as const) {
      const secrets = env === "prod" ? { notifications: prodChannels, slackWebhookUrl: "https://hooks.slack.com/x" } : {};
      expect(() => parseStackConfig(cfg({ environment: env, ...secrets }), secretSet("slackWebhookUrl"))).not.toThrow();
    }
  });
});

describe("validation", () => {
  test("one error lists every problem, each by its config key", () => {
    const problems = problemsOf(cfg({
      environment: "dev",
      prometheus: { retentionTime: "forever", replicas: 0, storageSize: "lots" },
      alertmanager: { groupWait: -1 },
      notifications: { email: { enabled: false, to: "not-an-email" } },
      typo: "x",
    }));
    const keys = problems.map((p) => p.key);
    expect(keys).toEqual(expect.arrayContaining([
      "novacron:prometheus.retentionTime",
      "novacron:prometheus.replicas",
      "novacron:prometheus.storageSize",
      "novacron:alertmanager.groupWait",
      "novacron:notifications.email.to",
      "novacron:typo",
    ]));
    let message = "";
    try { parseStackConfig(cfg({ environment: "dev", prometheus: { retentionTime: "forever", replicas: 0 } })); } catch (err) { message = (err as Error).message; }
    expect(message).toMatch(/2 problems/);
    expect(message).toContain("novacron:prometheus.retentionTime");
    expect(message).toContain("novacron:prometheus.replicas");
  });

  test("a missing or unknown environment is named, and other keys are still checked", () => {
    expect(problemsOf(cfg({})).map((p) => p.key)).toContain("novacron:environment");
    const problems = problemsOf(cfg({ environment: "staging", prometheus: { retentionTime: "1x" } }));
    expect(problems.map((p) => p.key)).toEqual(expect.arrayContaining(["novacron:environment", "novacron:prometheus.retentionTime"]));
  });

  test("absurd retention is refused, sensible retention accepted", () => {
    expect(problemsOf(cfg({ environment: "dev", prometheus: { retentionTime: "100y" } }))[0].key).toBe("novacron:prometheus.retentionTime");
    expect(problemsOf(cfg({ environment: "dev", prometheus: { retentionTime: "10m" } }))[0].message).toMatch(/at least 2h/);
    expect(() => parseStackConfig(cfg({ environment: "dev", prometheus: { retentionTime: "90d" } }))).not.toThrow();
  });

  test("retention size must leave headroom on the volume", () => {
    const [problem] = problemsOf(cfg({ environment: "dev", prometheus: { retentionSize: "10GB", storageSize: "10Gi" } }));
    expect(problem.key).toBe("novacron:prometheus.retentionSize");
    expect(problem.message).toMatch(/85%/);
  });

  test("scrape timeout may not exceed the scrape interval", () => {
    expect(problemsOf(cfg({ environment: "dev", prometheus: { scrapeTimeout: "30s", scrapeInterval: "15s" } }))[0].key).toBe("novacron:prometheus.scrapeTimeout");
  });

  test("prod refuses fewer than 3 Alertmanagers or 2 Prometheus replicas", () => {
    const problems = problemsOf(cfg({ environment: "prod", notifications: prodChannels, slackWebhookUrl: "https://hooks.slack.com/x", alertmanager: { replicas: 1 }, prometheus: { replicas: 1 } }), secretSet("slackWebhookUrl"));
    expect(problems.map((p) => p.key).sort()).toEqual(["novacron:alertmanager.replicas", "novacron:prometheus.replicas"]);
  });

  test("prod must notify someone", () => {
    expect(problemsOf(cfg({ environment: "prod" })).map((p) => p.key)).toEqual(["novacron:notifications"]);
  });

  test("duplicate scrape job and probe names are refused", () => {
    const target = { name: "api", namespace: "novacron", service: "novacron-api", port: 8080, path: "/metrics", domain: "application" };
    expect(problemsOf(cfg({ environment: "dev", targets: [target, target] }))[0].key).toBe("novacron:targets[1].name");
    const probe = { name: "p", module: "http_2xx", targets: ["https://novacron.com"] };
    expect(problemsOf(cfg({ environment: "dev", blackbox: { probes: [probe, probe] } }))[0].key).toBe("novacron:blackbox.probes[1].name");
  });

  test("probe targets must fit their module", () => {
    const probes = [
      { name: "web", module: "http_2xx", targets: ["novacron.com"] },
      { name: "db", module: "tcp_connect", targets: ["db.novacron.svc"] },
      { name: "ping", module: "icmp", targets: ["10.0.0.1:22"] },
    ];
    expect(problemsOf(cfg({ environment: "dev", blackbox: { probes } })).map((p) => p.key)).toEqual([
      "novacron:blackbox.probes[0].targets[0]", "novacron:blackbox.probes[1].targets[0]", "novacron:blackbox.probes[2].targets[0]",
    ]);
  });

  test("malformed URLs and bad types are named", () => {
    const problems = problemsOf(cfg({ environment: "dev", runbookBaseUrl: "ftp://x", prometheus: { remoteWrite: [{ name: "lt", url: "not a url" }], replicas: "two" } }));
    expect(problems.map((p) => p.key)).toEqual(expect.arrayContaining(["novacron:runbookBaseUrl", "novacron:prometheus.remoteWrite[0].url", "novacron:prometheus.replicas"]));
  });

  test("a structured key that is not structured is refused", () => {
    expect(problemsOf({ "novacron:environment": "dev", "novacron:prometheus": "{not json" })[0].key).toBe("novacron:prometheus");
  });

  test("an enabled cloud needs its location and identity settings, each named", () => {
    const keys = problemsOf(cfg({ environment: "dev", clouds: { aws: { enabled: true }, gcp: { enabled: true }, azure: { enabled: true } } })).map((p) => p.key);
    expect(keys.sort()).toEqual([
      "novacron:clouds.aws.oidcProviderArn", "novacron:clouds.aws.region",
      "novacron:clouds.azure.location", "novacron:clouds.azure.oidcIssuerUrl", "novacron:clouds.azure.resourceGroup", "novacron:clouds.azure.subscriptionId", "novacron:clouds.azure.tenantId",
      "novacron:clouds.gcp.project", "novacron:clouds.gcp.region",
    ]);
  });
});

describe("channel secrets", () => {
  test("a channel enabled without its secret is a config error naming both keys", () => {
    const [problem] = problemsOf(cfg({ environment: "dev", notifications: { pagerduty: { enabled: true } } }));
    expect(problem.key).toBe("novacron:notifications.pagerduty.enabled");
    expect(problem.message).toContain("novacron:pagerdutyRoutingKey");
    expect(problem.message).toContain("--secret");
  });

  test("every enabled channel without a secret is listed at once", () => {
    const notifications = { slack: { enabled: true }, email: { enabled: true }, teams: { enabled: true }, pagerduty: { enabled: true }, webhook: { enabled: true } };
    expect(problemsOf(cfg({ environment: "dev", notifications }))).toHaveLength(5);
  });

  test("notifications.slack.domainChannels.kubernetes reaches the spec, and a bad channel is an error naming that key", () => {
    const slack = (kubernetes: string) => ({ slack: { enabled: true, channel: "#alerts", domainChannels: { kubernetes } } });
    const { spec } = parseStackConfig(cfg({ environment: "dev", notifications: slack("#k8s-alerts"), slackWebhookUrl: "https://hooks.slack.com/x" }), secretSet("slackWebhookUrl"));
    expect(spec.notifications.slack.domainChannels).toEqual({ kubernetes: "#k8s-alerts" });
    const problems = problemsOf(cfg({ environment: "dev", notifications: slack("k8s alerts"), slackWebhookUrl: "https://hooks.slack.com/x" }), secretSet("slackWebhookUrl"));
    expect(problems.map((p) => p.key)).toEqual(["novacron:notifications.slack.domainChannels.kubernetes"]);
  });

  test("a credential set in plain text is refused without echoing it", () => {
    const problems = problemsOf(cfg({ environment: "dev", notifications: { slack: { enabled: true } }, slackWebhookUrl: "https://hooks.slack.com/services/SENTINEL" }));
    expect(problems.map((p) => p.key)).toEqual(["novacron:slackWebhookUrl"]);
    expect(JSON.stringify(problems)).not.toContain("SENTINEL");
  });

  test("webhook-style secrets must be https URLs, and the value is never echoed", () => {
    const problems = problemsOf(cfg({ environment: "dev", webhookUrl: "http://hooks.example.com/SENTINEL" }), secretSet("webhookUrl"));
    expect(problems).toEqual([{ key: "novacron:webhookUrl", message: "must be an https URL" }]);
  });

  test("secrets supplied as secrets are accepted and reported present, never put in the spec", () => {
    const parsed = parseStackConfig(cfg({ environment: "dev", notifications: { webhook: { enabled: true } }, webhookUrl: "https://hooks.example.com/SENTINEL" }), secretSet("webhookUrl"));
    expect(parsed.secretKeysPresent).toEqual(["webhookUrl"]);
    expect(JSON.stringify(parsed.spec)).not.toContain("SENTINEL");
  });
});

describe("units", () => {
  test.each([["30s", 30], ["5m", 300], ["1h30m", 5400], ["30d", 2592000], ["2y", 63072000]])("duration %s = %d s", (d, s) => {
    expect(parseDuration(d)).toBe(s);
  });
  test.each(["", "5", "5 m", "-5m", "1.5h"])("not a duration: %p", (d) => expect(parseDuration(d)).toBeUndefined());
  test("sizes are base-2, as Prometheus and Kubernetes read them", () => {
    expect(parseBytes("50GB")).toBe(50 * 2 ** 30);
    expect(parseBytes("80Gi")).toBe(80 * 2 ** 30);
    expect(parseBytes("80G")).toBeUndefined();
  });
});

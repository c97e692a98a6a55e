// The Google Cloud translations: one alert policy per catalog alert, and the service account's only role.
import { alertCatalog, durationSeconds } from "../../alerts";
import { catalogs, runbookBaseUrl } from "../../../test/helpers/cloud-catalogs";
import { derivedNameProblems } from "../../name-rules";
import { alertPolicySpecs, gcpDerivedNames, gcpResourceNames, PROMETHEUS_GSA_ROLES, WORKLOAD_IDENTITY_ROLE } from "./render-resources";

describe.each(catalogs)("every alert of %s, on GCP: same expression, duration and severity", (_, alerts) => {
  test.each(alerts.map((a) => [a.name, a] as const))("GCP alert policy: %s", (name, alert) => {
    const policies = alertPolicySpecs({ runbookBaseUrl, alerts, cluster: "c" }).filter((p) => p.alert === name);
    expect(policies).toHaveLength(1);
    const promql = policies[0].condition.conditionPrometheusQueryLanguage;
    expect(promql.query).toBe(alert.expr);
    expect(promql.duration).toBe(`${durationSeconds(alert.for)}s`);
    expect(promql.labels.severity).toBe(alert.severity);
    expect(promql.alertRule).toBe(alert.name);
    expect(policies[0].severity).toBe({ critical: "CRITICAL", warning: "WARNING" }[alert.severity as string]);
  });
});

describe("translations", () => {
  test("the heartbeat never notifies from a cloud; every other alert does", () => {
    const gcp = alertPolicySpecs({ runbookBaseUrl, cluster: "c" });
    expect(gcp.filter((p) => !p.notifies).map((p) => p.alert)).toEqual(alertCatalog.filter((a) => a.severity === "none").map((a) => a.name));
  });
});

describe("least privilege, exactly", () => {
  test("GCP: the Google service account holds roles/monitoring.metricWriter and nothing else", () => {
    expect([...PROMETHEUS_GSA_ROLES]).toEqual(["roles/monitoring.metricWriter"]);
    expect(WORKLOAD_IDENTITY_ROLE).toBe("roles/iam.workloadIdentityUser");
  });
});

describe("names", () => {
  const problems = (cluster: string) => derivedNameProblems(gcpDerivedNames({ cluster })).map((p) => p.message);

  test("the prod names are unchanged and pass every rule", () => {
    expect(gcpResourceNames({ cluster: "novacron-prod" })).toEqual({ logBucketId: "novacron-prod-logs", logSink: "novacron-prod-logs", prometheusServiceAccountId: "novacron-prod-prometheus", clusterLabel: "novacron-prod" });
    expect(problems("novacron-prod")).toEqual([]);
  });

  test("a service account id over 30 characters is shortened with a hash, never to a trailing hyphen", () => {
    // The old .slice(0, 30) made "novacron-production-eu-west1-p" here, and "novacron-production-eu-west-1-" for a cluster one character longer.
    for (const cluster of ["novacron-production-eu-west1", "novacron-production-eu-west-1", "c".repeat(63)]) {
      const id = gcpResourceNames({ cluster }).prometheusServiceAccountId;
      expect(id.length).toBeLessThanOrEqual(30);
      expect(problems(cluster)).toEqual([]);
    }
    expect(gcpResourceNames({ cluster: "novacron-production-eu-west-1" }).prometheusServiceAccountId).toMatch(/^novacron-production-e-[0-9a-f]{8}$/);
  });

  test("a cluster starting with a digit cannot name a service account", () => {
    expect(problems("1novacron")).toEqual([expect.stringMatching(/^Prometheus' Google service account id "1novacron-prometheus" must start with a lower-case letter/)]);
  });
});

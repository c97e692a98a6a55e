// The policy pack's validators, called directly with resource inputs (no CLI): every resource the dev and
// prod stacks register must pass, whatever they grow to; deliberately bad variants of real objects must be
// reported, each by the policy that owns the rule.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configMapSecretProblem } from "../../../policy/configmap-secrets";
import { imagePinProblem } from "../../../policy/images";
import { policies } from "../../../policy/policies";
import { podSpecsOf } from "../../../policy/resource-inputs";
import { renderStack, RenderedResource } from "../../../scripts/render";

const rendered: Record<string, RenderedResource[]> = {};
beforeAll(async () => {
  rendered.dev = (await renderStack("dev")).resources;
  rendered.prod = (await renderStack("prod")).resources;
});

/** The schema defaults the engine applies to a policy's config, then the given overrides. */
function configFor(policy: ResourceValidationPolicy, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([k, v]) => [k, (v as { default?: unknown }).default]));
  return { ...defaults, ...overrides };
}

function argsFor(r: { type: string; name: string; inputs: Record<string, any> }, stack: string, config: Record<string, unknown>): ResourceValidationArgs {
  return {
    type: r.type,
    name: r.name,
    props: r.inputs,
    urn: `urn:pulumi:${stack}::novacron::${r.type}::${r.name}`,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => { throw new Error(`not applicable: ${reason}`); },
  };
}

/** Violations per policy name for one resource. */
async function violations(r: { type: string; name: string; inputs: Record<string, any> }, stack = "prod", config: Record<string, Record<string, unknown>> = {}) {
  const found: { policy: string; message: string }[] = [];
  for (const policy of policies) {
    const validators = [policy.validateResource ?? []].flat();
    for (const validate of validators) {
      await validate(argsFor(r, stack, configFor(policy, config[policy.name])), (message) => found.push({ policy: policy.name, message }));
    }
  }
  return found;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const find = (env: string, kind: string, name: string) => {
  const r = rendered[env].find((x) => x.inputs?.kind === kind && x.inputs.metadata?.name === name);
  if (!r) throw new Error(`${env}: no ${kind} ${name}`);
  return clone(r);
};
const policyNames = (v: { policy: string }[]) => [...new Set(v.map((x) => x.policy))];

describe.each(["dev", "prod"])("the rendered %s stack", (env) => {
  test("every resource it registers passes every policy", async () => {
    const all: { resource: string; policy: string; message: string }[] = [];
    for (const r of rendered[env]) for (const v of await violations(r, env)) all.push({ resource: `${r.type}::${r.name}`, ...v });
    expect(all).toEqual([]);
  });

  test("the policies actually looked at its pods (the walk finds every workload's pod spec)", () => {
    const workloads = rendered[env].filter((r) => ["Deployment", "StatefulSet", "DaemonSet"].includes(r.inputs?.kind));
    expect(workloads.length).toBeGreaterThanOrEqual(6);
    for (const w of workloads) expect(podSpecsOf(w.type, w.inputs).map((p) => p.path)).toEqual(["spec.template.spec"]);
  });
});

describe("bad variants are reported by the policy that owns the rule", () => {
  test("a root container, a writable root filesystem, capabilities kept, privilege escalation", async () => {
    const sts = find("prod", "StatefulSet", "prometheus");
    const c = sts.inputs.spec.template.spec.containers[0];
    c.securityContext = { ...c.securityContext, runAsUser: 0, readOnlyRootFilesystem: false, capabilities: { add: ["NET_ADMIN"] }, allowPrivilegeEscalation: true };
    const messages = (await violations(sts)).filter((v) => v.policy === "pods-non-root-read-only-no-capabilities").map((v) => v.message);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining("allowPrivilegeEscalation must be false"),
      expect.stringContaining("readOnlyRootFilesystem must be true"),
      expect.stringContaining("capabilities.drop must include ALL"),
      expect.stringContaining("adds capabilities (NET_ADMIN)"),
      expect.stringContaining("runs as root"),
    ]));
    expect(messages[0]).toMatch(/^StatefulSet monitoring\/prometheus \(spec\.template\.spec\) container "prometheus": /);
  });

  test("a pod without runAsNonRoot anywhere", async () => {
    const deploy = find("dev", "Deployment", "kube-state-metrics");
    delete deploy.inputs.spec.template.spec.securityContext.runAsNonRoot;
    expect((await violations(deploy, "dev")).map((v) => v.message)).toEqual([expect.stringContaining("runAsNonRoot must be true")]);
  });

  test("host access is for named host-level apps that say why", async () => {
    const deploy = find("dev", "Deployment", "blackbox-exporter");
    deploy.inputs.spec.template.spec.hostNetwork = true;
    deploy.inputs.spec.template.spec.volumes.push({ name: "root", hostPath: { path: "/" } });
    expect((await violations(deploy, "dev")).map((v) => v.message)).toEqual([
      expect.stringContaining("hostNetwork is only allowed for host-level apps"),
      expect.stringContaining("hostPath volumes (root)"),
    ]);

    // cAdvisor runs as root with one capability: allowed, as it is named and declares why ...
    const cadvisor = find("prod", "DaemonSet", "cadvisor");
    expect(await violations(cadvisor)).toEqual([]);
    // ... but not once its declaration is gone, nor if it is dropped from the list by config.
    const undeclared = clone(cadvisor);
    delete undeclared.inputs.spec.template.metadata.annotations;
    expect(policyNames(await violations(undeclared))).toEqual(["pods-non-root-read-only-no-capabilities"]);
    expect((await violations(undeclared)).map((v) => v.message)).toEqual(expect.arrayContaining([expect.stringContaining('host-level app "cadvisor" must say what host access')]));
    const notListed = await violations(cadvisor, "prod", { "pods-non-root-read-only-no-capabilities": { hostLevelApps: ["node-exporter"] } });
    expect(notListed.map((v) => v.message)).toEqual(expect.arrayContaining([expect.stringContaining("runs as root"), expect.stringContaining("hostPath volumes")]));
  });

  test("the log shipper (Grafana Alloy) is a named host-level app: root and hostPaths, only while it says why", async () => {
    const shipper = find("prod", "DaemonSet", "log-shipper");
    expect(shipper.inputs.spec.template.metadata.annotations["novacron.io/host-access"]).toMatch(/\/var\/log\/pods.*read-only/);
    expect(await violations(shipper)).toEqual([]);
    const undeclared = clone(shipper);
    delete undeclared.inputs.spec.template.metadata.annotations["novacron.io/host-access"];
    delete undeclared.inputs.spec.template.metadata.annotations["novacron.io/privileges"];
    expect((await violations(undeclared)).map((v) => v.message)).toEqual(expect.arrayContaining([
      expect.stringContaining('host-level app "log-shipper" must say what host access'),
      expect.stringContaining('container "alloy": runs as root'),
      expect.stringContaining("hostPath volumes (positions, pod-logs)"),
    ]));
    // Host-level still means a read-only root filesystem and nothing privileged.
    const writable = clone(shipper);
    writable.inputs.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    expect((await violations(writable)).map((v) => v.message)).toEqual([expect.stringContaining("readOnlyRootFilesystem must be true")]);
  });

  test("ECK resources: the main container's image is spec.image or Elastic's at spec.version, both exact", async () => {
    const es = find("prod", "Elasticsearch", "logs");
    const kibana = find("prod", "Kibana", "kibana");
    expect(es.inputs.spec.image).toBe(`docker.elastic.co/elasticsearch/elasticsearch:${es.inputs.spec.version}`);
    expect(await violations(es)).toEqual([]);
    expect(await violations(kibana)).toEqual([]);
    const imagePolicy = async (r: typeof es) => (await violations(r)).filter((v) => v.policy === "images-pinned").map((v) => v.message);

    // Without spec.image ECK runs Elastic's image at spec.version: pinned, if the version is exact.
    const byVersion = clone(es);
    delete byVersion.inputs.spec.image;
    expect(await imagePolicy(byVersion)).toEqual([]);
    byVersion.inputs.spec.version = "9.4";
    expect(await imagePolicy(byVersion)).toEqual(['Elasticsearch monitoring/logs: spec.version "9.4" is not an exact version (major.minor.patch)']);

    const floating = clone(kibana);
    floating.inputs.spec.image = "docker.elastic.co/kibana/kibana:latest";
    expect(await imagePolicy(floating)).toEqual([expect.stringMatching(/^Kibana monitoring\/kibana: spec\.image "docker\.elastic\.co\/kibana\/kibana:latest" uses the floating tag/)]);
    const otherVersion = clone(es);
    otherVersion.inputs.spec.image = "docker.elastic.co/elasticsearch/elasticsearch:9.3.0";
    expect(await imagePolicy(otherVersion)).toEqual([expect.stringContaining("is not spec.version 9.4.3")]);
    const digest = clone(es);
    digest.inputs.spec.image = `docker.elastic.co/elasticsearch/elasticsearch@sha256:${"b".repeat(64)}`;
    expect(await imagePolicy(digest)).toEqual([]);

    // An image set on the container itself is checked as any other; a sidecar gets none from ECK.
    const overridden = clone(es);
    overridden.inputs.spec.nodeSets[0].podTemplate.spec.containers[0].image = "docker.elastic.co/elasticsearch/elasticsearch:latest";
    overridden.inputs.spec.nodeSets[1].podTemplate.spec.containers.push({ ...clone(overridden.inputs.spec.nodeSets[1].podTemplate.spec.containers[0]), name: "sidecar" });
    expect(await imagePolicy(overridden)).toEqual([
      expect.stringMatching(/container "elasticsearch": image ".*:latest" uses the floating tag/),
      'Elasticsearch monitoring/logs container "sidecar": has no image',
    ]);
  });

  test("a container without limits, and an init container without requests", async () => {
    const deploy = find("dev", "Deployment", "blackbox-exporter");
    delete deploy.inputs.spec.template.spec.containers[0].resources.limits;
    deploy.inputs.spec.template.spec.initContainers = [{ ...clone(deploy.inputs.spec.template.spec.containers[0]), name: "init", resources: { limits: { cpu: "1", memory: "1Gi" } } }];
    expect((await violations(deploy, "dev")).filter((v) => v.policy === "containers-set-resources").map((v) => v.message)).toEqual([
      'Deployment monitoring/blackbox-exporter container "init": resources.requests.cpu, resources.requests.memory not set',
      'Deployment monitoring/blackbox-exporter container "blackbox-exporter": resources.limits.cpu, resources.limits.memory not set',
    ]);
  });

  test("images: latest, no tag, a bare major or a branch are refused; a version or a digest passes", async () => {
    expect(imagePinProblem("quay.io/prometheus/prometheus:latest")).toMatch(/floating tag "latest"/);
    expect(imagePinProblem("quay.io/prometheus/prometheus")).toMatch(/no tag/);
    expect(imagePinProblem("localhost:5000/prometheus")).toMatch(/no tag/);
    expect(imagePinProblem("grafana/grafana:12")).toMatch(/not a version/);
    expect(imagePinProblem("ghcr.io/x/y:main")).toMatch(/floating/);
    expect(imagePinProblem("localhost:5000/prometheus:v3.16.0")).toBeUndefined();
    expect(imagePinProblem(`quay.io/prometheus/prometheus@sha256:${"a".repeat(64)}`)).toBeUndefined();
    const sts = find("prod", "StatefulSet", "alertmanager");
    sts.inputs.spec.template.spec.containers[1].image = "quay.io/prometheus-operator/prometheus-config-reloader:latest";
    expect(await violations(sts)).toEqual([{ policy: "images-pinned", message: expect.stringContaining('container "config-reloader": image "quay.io/prometheus-operator/prometheus-config-reloader:latest" uses the floating tag') }]);
  });

  test("credentials in a ConfigMap: inline in the Alertmanager config, as a key, or a recognisable token", async () => {
    const cm = find("prod", "ConfigMap", "alertmanager-config");
    cm.inputs.data["alertmanager.yml"] = cm.inputs.data["alertmanager.yml"].replace(/api_url_file: \S+/, "api_url: https://hooks.slack.com/services/T0001/B0001/abcdefXYZ");
    expect(await violations(cm)).toEqual([{ policy: "no-secrets-in-configmaps", message: expect.stringContaining("contains a Slack webhook URL") }]);

    const inline = find("prod", "ConfigMap", "alertmanager-config");
    inline.inputs.data["alertmanager.yml"] = inline.inputs.data["alertmanager.yml"].replace(/smtp_auth_password_file: \S+/, "smtp_auth_password: hunter2");
    expect((await violations(inline)).map((v) => v.message)).toEqual([expect.stringMatching(/sets "smtp_auth_password"/)]);

    expect(configMapSecretProblem("DB_PASSWORD", "s3cr3t")).toMatch(/looks like a credential/);
    expect(configMapSecretProblem("grafana.ini", "[security]\nadmin_password = changeme\n")).toMatch(/sets "admin_password"/);
    expect(configMapSecretProblem("remote.yml", "url: https://user:pa55@example.com/push")).toMatch(/password in it/);
    expect(configMapSecretProblem("key.pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIE")).toMatch(/PEM private key/);
    // References to where a secret lives are fine.
    expect(configMapSecretProblem("grafana.ini", "admin_password = $__file{/etc/secrets/admin-password}\n")).toBeUndefined();
    expect(configMapSecretProblem("loki.yml", "secret_access_key: ${AWS_SECRET_ACCESS_KEY}\ncredentials_file: /var/run/x\n")).toBeUndefined();
    expect(configMapSecretProblem("config.yaml", "auth:\n  basic:\n    password: ${env:ES_PASSWORD}\n")).toBeUndefined();
    // A literal that merely starts with "$", or a reference whose default is a literal, is a credential.
    expect(configMapSecretProblem("app.env", "DB_PASSWORD=$ecretPa55\n")).toMatch(/sets "DB_PASSWORD"/);
    expect(configMapSecretProblem("config.yaml", "password: ${env:ES_PASSWORD:-changeme}\n")).toMatch(/sets "password"/);
  });

  test("credentials in Logstash's pipeline: ${VAR} references pass, literal values are reported", async () => {
    const cm = find("prod", "ConfigMap", "logstash-pipeline");
    const output = cm.inputs.data["30-output.conf"];
    expect(output).toContain('password => "${ES_PASSWORD}"');
    expect(await violations(cm)).toEqual([]);
    const literal = clone(cm);
    literal.inputs.data["30-output.conf"] = output.replace('password => "${ES_PASSWORD}"', 'password => "hunter2"');
    expect(await violations(literal)).toEqual([{ policy: "no-secrets-in-configmaps", message: expect.stringMatching(/key "30-output.conf" line \d+ sets "password"/) }]);
    const withDefault = clone(cm);
    withDefault.inputs.data["30-output.conf"] = output.replace('"${ES_PASSWORD}"', '"${ES_PASSWORD:hunter2}"');
    expect((await violations(withDefault)).map((v) => v.policy)).toEqual(["no-secrets-in-configmaps"]);
  });

  test("a LoadBalancer Service only where configured", async () => {
    const svc = find("prod", "Service", "alertmanager");
    svc.inputs.spec.type = "LoadBalancer";
    expect(await violations(svc)).toEqual([{ policy: "load-balancers-only-where-configured", message: expect.stringContaining("Service monitoring/alertmanager is of type LoadBalancer") }]);
    expect(await violations(svc, "prod", { "load-balancers-only-where-configured": { allowedLoadBalancers: ["monitoring/alertmanager"] } })).toEqual([]);
  });

  test("prod needs Prometheus x2 and Alertmanager x3; dev and other stacks do not", async () => {
    const prom = find("prod", "StatefulSet", "prometheus");
    prom.inputs.spec.replicas = 1;
    const am = find("prod", "StatefulSet", "alertmanager");
    am.inputs.spec.replicas = 2;
    expect(await violations(prom)).toEqual([{ policy: "production-replicas", message: 'StatefulSet monitoring/prometheus runs 1 replica of prometheus; production stack "prod" needs at least 2' }]);
    expect(await violations(am)).toEqual([{ policy: "production-replicas", message: 'StatefulSet monitoring/alertmanager runs 2 replicas of alertmanager; production stack "prod" needs at least 3' }]);
    expect(await violations(am, "dev")).toEqual([]);
    expect(await violations(am, "team-a-prod", { "production-replicas": { productionStacks: ["team-a-prod"] } })).toHaveLength(1);
  });

  test("every policy is mandatory, has a unique name and a description", () => {
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const p of policies) {
      expect(p.enforcementLevel).toBe("mandatory");
      expect(p.description.length).toBeGreaterThan(20);
    }
  });
});

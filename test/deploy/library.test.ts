// Library use with the real engine: examples/alertmanager-only (a team's stack that imports only Alertmanager
// from the packed library, with its own kubernetes provider at the provider's defaults) deploys, and the
// in-place guarantee holds without enableConfigMapMutable / enableSecretMutable: the provider then replaces
// the changed ConfigMap or Secret, and the StatefulSet stays (same UID, no step of its own).
import * as fs from "fs";
import * as path from "path";
import { startControlPlane, ControlPlane } from "./control-plane";
import { workloadUids } from "./cluster";
import { changes, engineStack, EngineStack } from "./engine";
import { makeTempDir } from "../loopback/processes";
import { installPackedLibrary } from "../helpers/packed-library";

jest.setTimeout(20 * 60_000);

const repoRoot = path.resolve(__dirname, "..", "..");
let cp: ControlPlane;
let team: EngineStack;

beforeAll(async () => {
  cp = await startControlPlane();
  const work = makeTempDir("library");
  installPackedLibrary(work);
  const project = path.join(work, "alertmanager-only");
  fs.cpSync(path.join(repoRoot, "examples", "alertmanager-only"), project, { recursive: true });
  // The team's namespace exists already (the example deploys into it, it does not own it).
  const ns = await cp.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a-monitoring" } });
  expect(ns.status).toBe(201);
  team = engineStack({ stack: "dev", kubeconfigPath: cp.kubeconfigPath, projectDir: project, program: path.join(project, "index.ts") });
  await team.setConfig([
    { key: "team-a-alerting:slackWebhookUrl", value: "https://hooks.slack.com/services/T0/B0/first", secret: true },
    { key: "team-a-alerting:kubeconfig", value: fs.readFileSync(cp.kubeconfigPath, "utf8"), secret: true },
  ]);
}, 20 * 60_000);

afterAll(async () => {
  await cp?.stop();
});

test("the example deploys: a 3-replica Alertmanager in the team's namespace", async () => {
  await team.must("up");
  const sts = await cp.get("/apis/apps/v1/namespaces/team-a-monitoring/statefulsets/alertmanager");
  expect(sts.spec.replicas).toBe(3);
  expect(changes(await team.must("preview"))).toEqual([]);
});

test("a routing change and a credential rotation replace the ConfigMap and Secret, never the StatefulSet", async () => {
  const before = await workloadUids(cp);
  await team.setConfig([
    { key: "team-a-alerting:repeatInterval", value: "6h" },
    { key: "team-a-alerting:slackWebhookUrl", value: "https://hooks.slack.com/services/T0/B0/rotated", secret: true },
  ]);
  const preview = await team.must("preview");
  // The provider's defaults replace a ConfigMap or Secret whose data changes (delete first: they are named).
  expect(changes(preview)).toEqual(["ConfigMap::alertmanager-config", "Secret::alertmanager-secrets"].flatMap((o) =>
    ["create-replacement", "delete-replaced", "replace"].map((op) => `${op} kubernetes:core/v1:${o}`)).sort());
  await team.must("up");
  expect(await workloadUids(cp)).toEqual(before);
  const config = await cp.get("/api/v1/namespaces/team-a-monitoring/configmaps/alertmanager-config");
  expect(config.data["alertmanager.yml"]).toContain("repeat_interval: 6h");
});

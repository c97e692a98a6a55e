// Exporters are sized from config like every other workload: the presets extend each exporter's own defaults
// (its contract.ts), and a stack can override them per exporter.
import { blackboxExporterDefaults } from "../../components/blackbox-exporter/contract";
import { nodeExporterDefaults } from "../../components/node-exporter/contract";
import { parseStackConfig, StackConfigError } from "../../stacks/config";
import { renderStack, RenderResult } from "../../scripts/render";

const bigger = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } };
const containerResources = (result: RenderResult, kind: string, name: string) => {
  const workload = result.resources.find((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind && r.inputs.metadata.name === name);
  if (!workload) throw new Error(`no ${kind} ${name}`);
  return workload.inputs.spec.template.spec.containers[0].resources;
};

let preset: RenderResult;
let overridden: RenderResult;
beforeAll(async () => {
  preset = await renderStack("dev");
  overridden = await renderStack("dev", {
    "novacron:exporters": JSON.stringify({ nodeExporter: { enabled: true, resources: bigger } }),
    "novacron:blackbox": JSON.stringify({ resources: bigger }),
  });
});

test("the preset gives each exporter its component's defaults", () => {
  expect(containerResources(preset, "DaemonSet", "node-exporter")).toEqual(nodeExporterDefaults.resources);
  expect(containerResources(preset, "Deployment", "blackbox-exporter")).toEqual(blackboxExporterDefaults.resources);
});

test("a stack sizes an exporter from config, and only that one", () => {
  expect(containerResources(overridden, "DaemonSet", "node-exporter")).toEqual(bigger);
  expect(containerResources(overridden, "Deployment", "blackbox-exporter")).toEqual(bigger);
  expect(containerResources(overridden, "DaemonSet", "cadvisor")).toEqual(containerResources(preset, "DaemonSet", "cadvisor"));
});

test("a bad exporter size is refused by its key", () => {
  const bad = { ...bigger, limits: { cpu: "1", memory: "lots" } };
  let error: unknown;
  try {
    parseStackConfig({ "novacron:environment": "dev", "novacron:exporters": JSON.stringify({ cadvisor: { enabled: true, resources: bad } }) });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(StackConfigError);
  expect((error as StackConfigError).problems.map((p) => p.key)).toEqual(["novacron:exporters.cadvisor.resources.limits.memory"]);
});

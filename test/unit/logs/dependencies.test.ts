// The order the engine creates the logs and traces resources in, as the SDK tells it: the dependencies each
// registration carries (read off the mock monitor's requests). Components take the Elasticsearch cluster as
// data (ElasticsearchConnection) and wait for it through opts.dependsOn, which they forward to their
// children: Pulumi does not pass a component's dependsOn on to them.
import * as pulumi from "@pulumi/pulumi";
import { ResourceRecorder } from "../../helpers/mocks";
import { presets } from "../../../stacks/presets";
import { dependsOnWith } from "../../../components/kube";

interface Registration {
  type: string;
  name: string;
  dependencies: string[];
}

const registrations: Registration[] = [];
beforeAll(async () => {
  const recorder = new ResourceRecorder();
  await recorder.install("prod");
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    registrations.push({ type: req.getType(), name: req.getName(), dependencies: req.getDependenciesList() });
    return register(req, callback);
  };
  const { createLogsAndTraces } = await import("../../../stacks/logs-and-traces");
  const spec = presets.prod;
  expect(spec.jaeger.storage).toBe("elasticsearch");
  createLogsAndTraces(spec, { namespace: pulumi.output("monitoring"), hostNamespace: pulumi.output("monitoring-host") });
  await recorder.settle();
});

const registration = (type: string, name: string) => {
  const found = registrations.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`${found.length} registrations of ${type} ${name}`);
  return found[0];
};
/** The names of the resources a registration depends on (URNs end in ::<name>). */
const dependencyNames = (type: string, name: string) => registration(type, name).dependencies.map((urn) => urn.slice(urn.lastIndexOf("::") + 2)).sort();

test("the Elasticsearch resource waits for the ECK operator given in the component's opts, and for its users", () => {
  const deps = dependencyNames("kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", "logs");
  expect(deps).toEqual(expect.arrayContaining(["eck-operator", "logs-roles", "logs-logstash", "logs-jaeger", "logs-grafana", "logs-bootstrap"]));
});

test("Logstash and Jaeger start writing only after the bootstrap Job applied the index templates and lifecycle", () => {
  for (const [type, name] of [["kubernetes:apps/v1:StatefulSet", "logstash"], ["kubernetes:apps/v1:Deployment", "jaeger"], ["kubernetes:batch/v1:CronJob", "jaeger-es-index-cleaner"]]) {
    const deps = dependencyNames(type, name);
    expect([name, deps]).toEqual([name, expect.arrayContaining(["logs", "logs-bootstrap"])]);
  }
  // Their own config still comes first.
  expect(dependencyNames("kubernetes:apps/v1:StatefulSet", "logstash")).toEqual(expect.arrayContaining(["logstash-pipeline", "logstash-settings"]));
});

test("Kibana waits for the cluster it is wired to", () => {
  expect(dependencyNames("kubernetes:kibana.k8s.elastic.co/v1:Kibana", "kibana")).toEqual(expect.arrayContaining(["logs"]));
});

test("dependsOnWith keeps whatever form opts.dependsOn takes, and adds the child's own", async () => {
  class Thing extends pulumi.CustomResource {
    constructor(name: string) {
      super("test:index:Thing", name, {});
    }
  }
  const [a, b, own] = [new Thing("a"), new Thing("b"), new Thing("own")];
  const resolve = async (deps: pulumi.Input<pulumi.Input<pulumi.Resource>[]>) => {
    const list = await new Promise<pulumi.Input<pulumi.Resource>[]>((done) => pulumi.output(deps).apply((d) => { done(d as pulumi.Input<pulumi.Resource>[]); return d; }));
    return Promise.all(list.map((r) => new Promise<string>((done) => pulumi.output(r).apply((x) => { (x as pulumi.Resource).urn.apply(done); return x; }))));
  };
  const names = async (deps: pulumi.Input<pulumi.Input<pulumi.Resource>[]>) => (await resolve(deps)).map((urn) => urn.slice(urn.lastIndexOf("::") + 2));
  expect(dependsOnWith(undefined, own)).toEqual([own]);
  expect(await names(dependsOnWith({ dependsOn: a }, own))).toEqual(["a", "own"]);
  expect(await names(dependsOnWith({ dependsOn: [a, b] }, own))).toEqual(["a", "b", "own"]);
  expect(await names(dependsOnWith({ dependsOn: pulumi.output([a, b]) as pulumi.Input<pulumi.Resource[]> }, own))).toEqual(["a", "b", "own"]);
  expect(await names(dependsOnWith({ dependsOn: Promise.resolve(a) }))).toEqual(["a"]);
});

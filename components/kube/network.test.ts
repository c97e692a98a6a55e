// NetworkPolicies: default deny, and an app's policy allowing exactly its flows.
import { anywhere, podsOf, renderAppNetworkPolicy, renderDefaultDeny } from "./network";

const app = { name: "demo", component: "server", image: "quay.io/demo/demo:v1.2.3" };

describe("network policies", () => {
  test("default deny covers ingress and egress of every pod", () => {
    expect(renderDefaultDeny("monitoring").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  test("an app policy allows exactly its flows; no ports means every port", () => {
    const policy: any = renderAppNetworkPolicy({
      app, namespace: "monitoring",
      ingress: [{ peers: [podsOf({ name: "prometheus", component: "server" }, "monitoring")], ports: [{ port: 9090 }] }],
      egress: [{ peers: [anywhere], ports: [] }],
    });
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "prometheus" } } }],
      ports: [{ port: 9090, protocol: "TCP" }],
    }]);
    expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]);
  });

  test("a flow without peers allows nothing (an empty peer list would allow every source)", () => {
    const policy: any = renderAppNetworkPolicy({ app, namespace: "monitoring", ingress: [{ peers: [], ports: [{ port: 9115 }] }], egress: [] });
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
  });
});

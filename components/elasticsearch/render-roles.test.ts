// The stack's Elasticsearch users: each has a role roles.yml defines, with the least its job needs.
import { esUsers, renderRoles } from "./render-roles";

const roles = renderRoles("novacron") as Record<string, { cluster: string[]; indices: { names: string[]; privileges: string[] }[] }>;
const privilegesOn = (role: string) => roles[role].indices.flatMap((i) => i.names.map((name) => [name, i.privileges]));

test("every user's role is defined, with distinct user names", () => {
  for (const user of Object.values(esUsers)) expect(roles).toHaveProperty(user.role);
  const names = Object.values(esUsers).map((u) => u.username);
  expect(new Set(names).size).toBe(names.length);
});

test("Grafana's reader only reads the log indices; Logstash only creates documents and indices in them", () => {
  expect(privilegesOn(esUsers.grafana.role)).toEqual([["novacron-*", ["read", "view_index_metadata"]]]);
  expect(privilegesOn(esUsers.logstash.role)).toEqual([["novacron-*", ["create_doc", "create_index", "auto_configure", "view_index_metadata"]]]);
});

test("Jaeger reaches only its own indices; the bootstrap user no index data", () => {
  expect(privilegesOn(esUsers.jaeger.role).map(([name]) => name)).toEqual(["jaeger-*"]);
  expect(roles[esUsers.bootstrap.role].indices).toEqual([]);
});

test("the log indices are the prefix's", () => {
  const acme = renderRoles("acme") as typeof roles;
  for (const user of [esUsers.grafana, esUsers.logstash]) expect(acme[user.role].indices.map((i) => i.names)).toEqual([["acme-*"]]);
});

test("the metrics exporter's user monitors the cluster and reads no index", () => {
  expect(roles[esUsers.monitoring.role]).toEqual({ cluster: ["monitor"], indices: [] });
});

// The bootstrap script: waits for the cluster, then applies each document in order; credentials reach curl
// only on stdin, and every value is quoted for the shell.
import { renderBootstrapScript } from "./render-bootstrap";

const script = renderBootstrapScript({
  url: "https://logs-es-http:9200", caFile: "/etc/es-ca/ca.crt", configDir: "/etc/novacron-bootstrap", credentialsDir: "/etc/es-user",
  requests: [
    { method: "PUT", path: "_ilm/policy/novacron-logs", file: "ilm_novacron-logs.json" },
    { method: "PUT", path: "_index_template/novacron-errors", file: "index-templates_novacron-errors.json" },
  ],
});
const lines = script.split("\n");

test("a POSIX sh script that stops at the first error, waits for the cluster, then PUTs each document in order", () => {
  expect(lines.slice(0, 3)).toEqual(["#!/bin/sh", expect.stringMatching(/^# /), "set -eu"]);
  const calls = lines.filter((l) => l.startsWith("es "));
  expect(calls).toEqual([
    'es GET "_cluster/health?wait_for_status=yellow&timeout=120s"',
    'es PUT "_ilm/policy/novacron-logs" "/etc/novacron-bootstrap/ilm_novacron-logs.json"',
    'es PUT "_index_template/novacron-errors" "/etc/novacron-bootstrap/index-templates_novacron-errors.json"',
  ]);
  expect(script.endsWith('echo "bootstrap: done"\n')).toBe(true);
});

test("credentials are read from the mounted files per request and handed to curl on stdin, never in argv or the environment", () => {
  expect(script).toContain('CREDENTIALS_DIR="/etc/es-user"');
  expect(script).toContain(`| curl -K - `);
  expect(script).toMatch(/printf 'user = "%s:%s"\\n' "\$\(cat "\$CREDENTIALS_DIR\/username"\)" "\$\(cat "\$CREDENTIALS_DIR\/password"\)"/);
  expect(script).not.toMatch(/curl[^\n]* (-u|--user) /);
  expect(script).not.toMatch(/^export /m);
});

test("TLS is verified against the cluster's CA; retries cover a cluster still starting", () => {
  expect(script).toContain('--cacert "/etc/es-ca/ca.crt"');
  expect(script).toContain("--retry 30 --retry-all-errors");
  expect(script).not.toContain("--insecure");
  expect(script).toContain('ES="https://logs-es-http:9200"');
});

test("values are quoted: a path with a space or a quote stays one argument", () => {
  const odd = renderBootstrapScript({ url: "https://es:9200", caFile: "/ca.crt", configDir: "/c", credentialsDir: "/u", requests: [{ method: "PUT", path: 'a b"c', file: "f.json" }] });
  expect(odd).toContain('es PUT "a b\\"c" "/c/f.json"');
});

// Pure: the script the bootstrap Job runs to apply lifecycle policies, index templates and the archive.

export interface BootstrapRequest {
  method: "PUT";
  path: string;
  /** File name under the mounted config directory. */
  file: string;
}

/**
 * The bootstrap script: waits for the cluster, then PUTs each document (idempotent: a PUT replaces the
 * policy or template with the same content). Credentials are read from the mounted basic-auth Secret
 * (`credentialsDir`/username, /password) for each request and reach curl on stdin (-K -): never in the
 * environment, a shell variable or curl's argv.
 */
export function renderBootstrapScript(opts: { url: string; caFile: string; configDir: string; credentialsDir: string; requests: BootstrapRequest[] }): string {
  const lines = [
    "#!/bin/sh",
    "# Rendered by components/elasticsearch: applies lifecycle policies, index templates and the archive.",
    "set -eu",
    `ES=${JSON.stringify(opts.url)}`,
    `CREDENTIALS_DIR=${JSON.stringify(opts.credentialsDir)}`,
    "es() { # es <method> <path> [file]",
    `  printf 'user = "%s:%s"\\n' "$(cat "$CREDENTIALS_DIR/username")" "$(cat "$CREDENTIALS_DIR/password")" | curl -K - --fail-with-body --silent --show-error \\`,
    `    --retry 30 --retry-all-errors --retry-delay 10 --max-time 60 --cacert ${JSON.stringify(opts.caFile)} \\`,
    `    -X "$1" -H "Content-Type: application/json" \${3:+--data-binary "@$3"} "$ES/$2"`,
    "  echo",
    "}",
    'es GET "_cluster/health?wait_for_status=yellow&timeout=120s"',
    ...opts.requests.map((r) => `es ${r.method} ${JSON.stringify(r.path)} ${JSON.stringify(`${opts.configDir}/${r.file}`)}`),
    'echo "bootstrap: done"',
  ];
  return lines.join("\n") + "\n";
}

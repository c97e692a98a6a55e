// A Helm chart repository on 127.0.0.1 serving the pinned ECK operator chart, so the stack's Chart resource
// takes the same code path as a user's (repositoryOpts.repo → index.yaml → the packaged chart). The chart is
// Elastic's own, from the Go module github.com/elastic/cloud-on-k8s/v3 at our pinned version
// (deploy/eck-operator, with its CRD subchart), packaged here as `helm package` lays it out.
import { createHash } from "crypto";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { stringify } from "yaml";
import { ECK_CHART } from "../../components/elasticsearch/eck-operator";
import { LOOPBACK, makeTempDir } from "../loopback/processes";

export interface ChartRepo { url: string; close(): Promise<void> }

/**
 * `helm package` leaves out what each chart's .helmignore names (ECK's lists its helm-unittest suites under
 * templates/tests, which are not Kubernetes objects): the same patterns as tar excludes. A pattern with a
 * slash is a path from that chart's root; one without matches a name anywhere.
 */
function helmIgnored(chartDir: string): string[] {
  const excludes: string[] = [];
  const visit = (dir: string, relative: string) => {
    const ignore = path.join(dir, ".helmignore");
    if (fs.existsSync(ignore)) {
      for (const raw of fs.readFileSync(ignore, "utf8").split("\n")) {
        const pattern = raw.trim().replace(/\/$/, "");
        if (!pattern || pattern.startsWith("#")) continue;
        excludes.push(`--exclude=${pattern.includes("/") ? `${relative}/${pattern}` : pattern}`);
      }
    }
    const charts = path.join(dir, "charts");
    if (fs.existsSync(charts)) for (const sub of fs.readdirSync(charts)) visit(path.join(charts, sub), `${relative}/charts/${sub}`);
  };
  visit(chartDir, path.basename(chartDir));
  return excludes;
}

export async function serveEckChart(): Promise<ChartRepo> {
  const moduleDir = execFileSync("go", ["mod", "download", "-json", `github.com/elastic/cloud-on-k8s/v3@v${ECK_CHART.version}`], { encoding: "utf8" });
  const chartDir = path.join(JSON.parse(moduleDir).Dir, "deploy", ECK_CHART.chart);
  const dir = makeTempDir("chart-repo");
  const archive = `${ECK_CHART.chart}-${ECK_CHART.version}.tgz`;
  execFileSync("tar", ["-czf", path.join(dir, archive), "-C", path.dirname(chartDir), "--owner=0", "--group=0", ...helmIgnored(chartDir), ECK_CHART.chart]);
  const chart = fs.readFileSync(path.join(dir, archive));

  const server = http.createServer((req, res) => {
    if (req.url === "/index.yaml") res.writeHead(200, { "content-type": "application/x-yaml" }).end(index);
    else if (req.url === `/${archive}`) res.writeHead(200, { "content-type": "application/gzip" }).end(chart);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const url = `http://${LOOPBACK}:${(server.address() as { port: number }).port}`;
  const index = stringify({
    apiVersion: "v1",
    entries: {
      [ECK_CHART.chart]: [{
        apiVersion: "v2", name: ECK_CHART.chart, version: ECK_CHART.version, appVersion: ECK_CHART.version,
        urls: [`${url}/${archive}`], digest: createHash("sha256").update(chart).digest("hex"), created: new Date().toISOString(),
      }],
    },
    generated: new Date().toISOString(),
  });
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

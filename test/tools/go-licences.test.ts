// No network-copyleft code in any Go binary we build: every module linked into the test binaries (read from
// the binaries' own build info, `go version -m`) has its licence text read from the module cache, and an
// AGPL, SSPL or other network-copyleft licence fails the test. Deploying such a project's image is fine;
// building or linking its Go module is not (Loki and Grafana are AGPL: we deploy them, we never build them).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { logsToolsBinDir } from "../helpers/logs-tools";
import { toolsBinDir } from "../helpers/tools";
import { deployToolsBin } from "../deploy/tools";
import { thanosPath } from "../loopback/thanos";
import { jsonExporterBinDir } from "../helpers/json-exporter";

/** Licences whose copyleft reaches users over a network, by a phrase their text always carries. */
const NETWORK_COPYLEFT: [string, RegExp][] = [
  ["AGPL", /GNU AFFERO GENERAL PUBLIC LICENSE/i],
  ["SSPL", /Server Side Public License/i],
  ["EUPL", /European Union Public Licen[cs]e/i],
  ["OSL", /Open Software License/i],
  ["RPL", /Reciprocal Public License/i],
];

export function networkCopyleft(licenceText: string): string | undefined {
  return NETWORK_COPYLEFT.find(([, phrase]) => phrase.test(licenceText))?.[0];
}

/** The module cache's directory for module@version (upper-case letters are escaped as !lower). */
function moduleDir(modCache: string, module: string, version: string): string {
  const escaped = module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
  return path.join(modCache, `${escaped}@${version}`);
}

/** module@version of every module linked into a Go binary (after replacements). */
function linkedModules(binary: string): { module: string; version: string }[] {
  const info = execFileSync("go", ["version", "-m", binary], { encoding: "utf8" });
  const out: { module: string; version: string }[] = [];
  const lines = info.split("\n").map((l) => l.trim().split(/\s+/));
  for (let i = 0; i < lines.length; i++) {
    const [kind, module, version] = lines[i];
    if (kind !== "dep") continue;
    const replaced = lines[i + 1]?.[0] === "=>" ? lines[i + 1] : undefined;
    if (replaced && replaced[2]) out.push({ module: replaced[1], version: replaced[2] });
    else if (!replaced) out.push({ module, version });
  }
  return out;
}

const licenceFiles = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^(LICEN[CS]E|COPYING|NOTICE)/i.test(f)).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile()) : [];

test("the classifier recognises network copyleft and nothing else (negative controls)", () => {
  expect(networkCopyleft("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007")).toBe("AGPL");
  expect(networkCopyleft("Server Side Public License\nVERSION 1, OCTOBER 16, 2018")).toBe("SSPL");
  expect(networkCopyleft("Apache License\nVersion 2.0, January 2004")).toBeUndefined();
  expect(networkCopyleft("GNU GENERAL PUBLIC LICENSE\nVersion 3")).toBeUndefined();
  // Loki, the reason for this test: its module's licence is AGPL. scripts/install-logs-tools.sh downloads
  // the module (to read Loki's configuration reference, never to build it), so the cache holds it.
  logsToolsBinDir();
  const modCache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  const lokiVersion = /^LOKI_VERSION=(.+)$/m.exec(fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "versions.env"), "utf8"))![1];
  const loki = licenceFiles(moduleDir(modCache, "github.com/grafana/loki/v3", `v${lokiVersion}`));
  expect(loki.map((f) => networkCopyleft(fs.readFileSync(f, "utf8")))).toContain("AGPL");
});

test("no Go binary we build links a network-copyleft module", () => {
  const modCache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  // Thanos (Apache-2.0) links Cortex, Prometheus and cloud SDKs: every one of its modules is checked too.
  const binaries = [toolsBinDir(), logsToolsBinDir(), deployToolsBin(), path.dirname(thanosPath()), jsonExporterBinDir()]
    .flatMap((dir) => fs.readdirSync(dir).map((f) => path.join(dir, f)))
    .filter((f) => fs.statSync(f).isFile() && (fs.statSync(f).mode & 0o111) !== 0);
  expect(binaries.length).toBeGreaterThanOrEqual(13);
  const offending: string[] = [];
  const unread: string[] = [];
  let checked = 0;
  const seen = new Map<string, string | undefined>();
  for (const binary of binaries) {
    let modules: { module: string; version: string }[];
    try {
      modules = linkedModules(binary);
    } catch {
      continue; // not a Go binary
    }
    for (const { module, version } of modules) {
      const key = `${module}@${version}`;
      if (!seen.has(key)) {
        const files = licenceFiles(moduleDir(modCache, module, version));
        if (files.length === 0) unread.push(key);
        seen.set(key, files.map((f) => networkCopyleft(fs.readFileSync(f, "utf8"))).find(Boolean));
        checked++;
      }
      const licence = seen.get(key);
      if (licence) offending.push(`${path.basename(binary)}: ${key} (${licence})`);
    }
  }
  console.log(`go-licences: ${checked} modules in ${binaries.length} binaries; no licence file at the module root (or module not cached): ${unread.join(", ") || "none"}`);
  expect(checked).toBeGreaterThan(300);
  expect(offending).toEqual([]);
});

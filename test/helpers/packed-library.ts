// The library as a platform team gets it: `npm run build`, then exactly the files `npm pack` would publish,
// installed as node_modules/@novacron/observability in a directory of its own, with the package's
// dependencies (and theirs, hoisted) linked beside it as npm would install them.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..", "..");

/** Builds and installs the packed library under `work`; returns the published file list. */
export function installPackedLibrary(work: string): string[] {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
  const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
  const pkgDir = path.join(work, "node_modules", "@novacron", "observability");
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(pkgDir, file)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, file), path.join(pkgDir, file));
  }
  for (const dep of fs.readdirSync(path.join(repoRoot, "node_modules"))) {
    if (dep.startsWith(".") || dep === "@novacron") continue;
    fs.symlinkSync(path.join(repoRoot, "node_modules", dep), path.join(work, "node_modules", dep));
  }
  return files;
}

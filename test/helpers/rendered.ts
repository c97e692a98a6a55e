// Renders a stack with the real CLI entry point (npm run render's script) into a temp directory.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..", "..");

export function renderToTempDir(stack: string, sets: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `novacron-${stack}-`));
  const args = [path.join(repoRoot, "scripts", "render.ts"), stack, "--out", dir, ...Object.entries(sets).flatMap(([k, v]) => ["--set", `${k}=${v}`])];
  execFileSync(path.join(repoRoot, "node_modules", ".bin", "tsx"), args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  return dir;
}

export function filesUnder(dir: string, suffix: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => path.join(dir, f));
}

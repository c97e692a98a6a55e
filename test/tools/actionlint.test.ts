// The workflows checked by actionlint, the linter GitHub Actions users run: workflow syntax, expression
// syntax and types (contexts, matrix keys, vars), `needs`, permissions scopes, runner labels, reusable
// workflow calls. (It checks the inputs of popular actions only when they are referenced by tag; ours are
// pinned by commit, so test/unit/delivery/workflows.test.ts checks pulumi/actions' inputs itself.)
// A negative control proves it reads our files.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..", "..");
let actionlint: string;

beforeAll(() => {
  const bin = execFileSync("bash", [path.join(repoRoot, "scripts", "install-actionlint.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  actionlint = path.join(bin, "actionlint");
}, 10 * 60_000);

// shellcheck and pyflakes integrations off: neither is installed here, and our run steps are one-liners.
const lint = (cwd: string) => {
  const files = fs.readdirSync(path.join(cwd, ".github", "workflows")).map((f) => path.join(".github", "workflows", f));
  return spawnSync(actionlint, ["-no-color", "-oneline", "-shellcheck=", "-pyflakes=", ...files], { cwd, encoding: "utf8" });
};

test("actionlint finds nothing in .github/workflows", () => {
  const result = lint(repoRoot);
  expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: "" });
});

test("actionlint reports a broken copy (negative control): a missing job and an undefined matrix key", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "novacron-actionlint-"));
  try {
    fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    fs.mkdirSync(path.join(dir, ".git")); // actionlint resolves local reusable workflows from the repository root
    for (const f of fs.readdirSync(path.join(repoRoot, ".github", "workflows"))) {
      let text = fs.readFileSync(path.join(repoRoot, ".github", "workflows", f), "utf8");
      if (f === "deploy.yml") text = text.replace("needs: dev", "needs: staging");
      if (f === "pull-request.yml") text = text.replace("role-session-name: novacron-preview-${{ matrix.stack }}", "role-session-name: novacron-preview-${{ matrix.stak }}");
      fs.writeFileSync(path.join(dir, ".github", "workflows", f), text);
    }
    const result = lint(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/deploy\.yml:.*"staging"/);
    expect(result.stdout).toMatch(/pull-request\.yml:.*"stak"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Locates the deploy layer's binaries built by scripts/install-deploy-tools.sh (cached by version, so calling
// the script again is cheap): the Pulumi CLI, the kubernetes provider, the control plane, and the test-only
// stand-in for @pulumi/random's provider.
import { execFileSync } from "child_process";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..", "..");
let binDir: string | undefined;

export function deployToolsBin(): string {
  binDir ??= process.env.NOVACRON_DEPLOY_TOOLS_BIN
    ?? execFileSync("bash", [path.join(repoRoot, "scripts", "install-deploy-tools.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return binDir;
}

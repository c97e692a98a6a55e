// Locates the deploy layer's binaries built by scripts/install-deploy-tools.sh (cached by version, so calling
// the script again is cheap): the Pulumi CLI, the kubernetes provider, the control plane, and the test-only
// stand-in for @pulumi/random's provider.
import { installedBinDir } from "../helpers/tools";

let binDir: string | undefined;

export function deployToolsBin(): string {
  binDir ??= installedBinDir("NOVACRON_DEPLOY_TOOLS_BIN", "install-deploy-tools.sh");
  return binDir;
}

// The pinned json_exporter (the Logstash pod's metrics sidecar), built by scripts/install-json-exporter.sh
// (cached by version; npm test passes its directory in NOVACRON_JSON_EXPORTER_BIN).
import * as path from "path";
import { installedBinDir } from "./tools";

let binDir: string | undefined;

/** The directory holding the pinned json_exporter; installs it on first use. */
export function jsonExporterBinDir(): string {
  binDir ??= installedBinDir("NOVACRON_JSON_EXPORTER_BIN", "install-json-exporter.sh");
  return binDir;
}

export function jsonExporterPath(): string {
  return path.join(jsonExporterBinDir(), "json_exporter");
}

// The property, whole, for one config: refused cleanly by key with nothing registered, or rendered with no
// secret outside a Secret and every artifact accepted by its real consumer. An empty list means it holds.
// The suite judges many configs in two steps (the program per config, the consumers per batch); this is the
// same judgement for one, used to replay the corpus and to shrink a consumer's failure.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkTrees, writeTree } from "./consumers";
import type { GeneratedConfig } from "./generate";
import { objectClashes, refusalProblems, runConfig, secretLeaks } from "./run-config";

export interface Judgement {
  outcome: "refused" | "rendered";
  problems: string[];
}

export async function judge(generated: GeneratedConfig): Promise<Judgement> {
  const run = await runConfig(generated);
  if (run.error !== undefined) return { outcome: "refused", problems: refusalProblems(generated, run) };
  const leaks = [...secretLeaks(generated, run).map((leak) => `leak: ${leak}`), ...objectClashes(run)];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "novacron-property-"));
  try {
    const tree = writeTree("config", path.join(dir, "config"), run.files!);
    return { outcome: "rendered", problems: [...leaks, ...checkTrees([tree]).get("config")!] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

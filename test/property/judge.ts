// The property, whole, for one config: refused cleanly by key with nothing registered, or rendered with no
// secret outside a Secret and every artifact accepted by its real consumer. An empty list means it holds.
// The suite judges many configs in two steps (the program per config, the consumers per batch); this is the
// same judgement for one config or a few (judgeAll: the programs one by one, the consumers once over every
// rendered tree), used to replay the corpus and to shrink a consumer's failure.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkTrees, RenderedTree, writeTree } from "./consumers";
import type { GeneratedConfig } from "./generate";
import { objectClashes, refusalProblems, runConfig, secretLeaks } from "./run-config";

export interface Judgement {
  outcome: "refused" | "rendered";
  problems: string[];
}

export async function judge(generated: GeneratedConfig): Promise<Judgement> {
  return (await judgeAll([generated]))[0];
}

/** Each config's judgement, in order. The program runs one at a time (Pulumi's mocks are process-wide). */
export async function judgeAll(configs: GeneratedConfig[]): Promise<Judgement[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "novacron-property-"));
  try {
    const programs: (Judgement & { tree?: RenderedTree })[] = [];
    for (const [index, generated] of configs.entries()) {
      const run = await runConfig(generated);
      if (run.error !== undefined) {
        programs.push({ outcome: "refused", problems: refusalProblems(generated, run) });
        continue;
      }
      const leaks = [...secretLeaks(generated, run).map((leak) => `leak: ${leak}`), ...objectClashes(run)];
      programs.push({ outcome: "rendered", problems: leaks, tree: writeTree(`config ${index}`, path.join(dir, String(index)), run.files!) });
    }
    const verdicts = checkTrees(programs.flatMap((p) => (p.tree ? [p.tree] : [])));
    return programs.map(({ outcome, problems, tree }) => ({ outcome, problems: [...problems, ...(tree ? verdicts.get(tree.id)! : [])] }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

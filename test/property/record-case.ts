// Records a failure the property suite found as a corpus case: the counterexample it printed (a
// GeneratedConfig as JSON, in a file) is judged again, and what fails is written with it, as an open case.
//
//   npx tsx test/property/record-case.ts <slug> "<what the input is>" "<where the fix belongs>" counterexample.json
import * as fs from "fs";
import { saveCase } from "./corpus";
import type { GeneratedConfig } from "./generate";
import { judge } from "./judge";

async function main([slug, what, fix, file]: string[]) {
  if (!slug || !what || !fix || !file) throw new Error("usage: record-case <slug> <what> <fix> <counterexample.json>");
  const generated = JSON.parse(fs.readFileSync(file, "utf8")) as GeneratedConfig;
  const { outcome, problems } = await judge(generated);
  if (problems.length === 0) throw new Error(`the config holds today (${outcome}): nothing to record`);
  const saved = saveCase(slug, { what, failure: `${outcome}: ${problems.slice(0, 5).join("\n")}`.slice(0, 4000), status: "open", fix, generated });
  console.log(`recorded ${saved}: ${problems.length} problem(s)`);
}

main(process.argv.slice(2)).then(() => process.exit(0), (err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

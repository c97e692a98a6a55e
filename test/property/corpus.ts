// The regression corpus: each distinct failure the property suite found, as its shrunk raw config and what
// failed, one JSON file per case in corpus/. The suite replays every case before its random runs. A case is
// `open` while its fix is pending (replayed as a test that must still fail, so a fix that lands is noticed
// and the case is then marked `fixed`), and `fixed` once it holds (replayed as a plain regression test).
import * as fs from "fs";
import * as path from "path";
import type { GeneratedConfig } from "./generate";

export interface CorpusCase {
  /** What the input is, in a few words. */
  what: string;
  /** What failed when it was found, and in which consumer. */
  failure: string;
  status: "open" | "fixed";
  /** Where the fix belongs (e.g. the issue and part). */
  fix: string;
  generated: GeneratedConfig;
}

export const CORPUS_DIR = path.join(__dirname, "corpus");

export function loadCorpus(): { file: string; case: CorpusCase }[] {
  if (!fs.existsSync(CORPUS_DIR)) return [];
  return fs.readdirSync(CORPUS_DIR).filter((f) => f.endsWith(".json")).sort()
    .map((file) => ({ file, case: JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, file), "utf8")) as CorpusCase }));
}

/** Writes a new case (`npx tsx test/property/record-case.ts` does, from a failure the suite printed). */
export function saveCase(slug: string, c: CorpusCase): string {
  fs.mkdirSync(CORPUS_DIR, { recursive: true });
  const file = path.join(CORPUS_DIR, `${slug}.json`);
  fs.writeFileSync(file, `${JSON.stringify(c, null, 2)}\n`);
  return file;
}

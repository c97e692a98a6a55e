// Loki's configuration reference (docs/sources/shared/configuration.md at the deployed version, fetched by
// scripts/install-logs-tools.sh) read as a schema: every block's keys and their types, so that a rendered
// loki.yaml can be checked key by key without building Loki (its Go module is AGPL).
//
// The reference documents each block as YAML: `[key: <type> | default = ...]` is a setting, `key:` an inline
// block whose settings are indented below it, and a type naming another block (`<server>`, `<list of
// period_configs>`) refers to that block's `### <name>` section. The top level is the section headed
// "Supported contents and default values of loki.yaml".
import * as fs from "fs";
import * as path from "path";
import { logsToolsBinDir } from "./logs-tools";

/** A setting (its documented type) or an inline block (its settings). */
export type LokiField = { type: string } | { block: Map<string, LokiField> };
export type LokiReference = Map<string, Map<string, LokiField>>;

const ROOT = "loki.yaml";

export function lokiReferencePath(version: string): string {
  return path.join(logsToolsBinDir(), `loki-configuration-${version}.md`);
}

export function parseLokiReference(markdown: string): LokiReference {
  const blocks: LokiReference = new Map();
  const lines = markdown.split("\n");
  let section: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const heading = /^### (.+)$/.exec(lines[i]);
    if (heading) section = /Supported contents and default values of `loki.yaml`/.test(heading[1]) ? ROOT : heading[1].trim();
    if (lines[i].trim() !== "```yaml" || !section) continue;
    const root = new Map<string, LokiField>();
    const stack: { indent: number; fields: Map<string, LokiField> }[] = [{ indent: -1, fields: root }];
    for (i++; i < lines.length && lines[i].trim() !== "```"; i++) {
      const line = lines[i];
      const text = line.trim();
      if (text === "" || text.startsWith("#")) continue;
      const indent = line.length - line.trimStart().length;
      while (stack[stack.length - 1].indent >= indent) stack.pop();
      const fields = stack[stack.length - 1].fields;
      const setting = /^\[([\w.-]+): <([^>]*)>/.exec(text);
      const inline = /^([\w.-]+):$/.exec(text);
      if (setting) fields.set(setting[1], { type: setting[2] });
      else if (inline) {
        const block = new Map<string, LokiField>();
        fields.set(inline[1], { block });
        stack.push({ indent, fields: block });
      }
    }
    blocks.set(section, root);
    section = undefined;
  }
  return blocks;
}

const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const scalarChecks: Record<string, (value: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  boolean: (v) => typeof v === "boolean",
  int: (v) => Number.isInteger(v),
  float: (v) => typeof v === "number",
  duration: (v) => typeof v === "string" && DURATION.test(v),
  daytime: (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v),
  "list of strings": (v) => Array.isArray(v) && v.every((e) => typeof e === "string"),
};

/** Every key of `config` Loki does not document, or whose value is not of the documented type. */
export function lokiConfigProblems(config: unknown, reference: LokiReference): string[] {
  const problems: string[] = [];
  const root = reference.get(ROOT);
  if (!root) return ["the reference has no top-level block"];
  checkBlock(config, root, "", reference, problems);
  return problems;
}

function checkBlock(value: unknown, fields: Map<string, LokiField>, at: string, reference: LokiReference, problems: string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${at || "(top level)"}: must be a block of settings`);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const where = at ? `${at}.${key}` : key;
    const field = fields.get(key);
    if (!field) problems.push(`${where}: not a Loki setting`);
    else if ("block" in field) checkBlock(child, field.block, where, reference, problems);
    else checkValue(child, field.type, where, reference, problems);
  }
}

function checkValue(value: unknown, type: string, at: string, reference: LokiReference, problems: string[]): void {
  const named = reference.get(type);
  const listOf = /^list of (\w+)s$/.exec(type);
  if (named) checkBlock(value, named, at, reference, problems);
  else if (listOf && reference.has(listOf[1])) {
    if (!Array.isArray(value)) problems.push(`${at}: must be a list of ${listOf[1]} blocks`);
    else value.forEach((element, i) => checkBlock(element, reference.get(listOf[1])!, `${at}[${i}]`, reference, problems));
  } else if (scalarChecks[type] && !scalarChecks[type](value)) problems.push(`${at}: ${JSON.stringify(value)} is not a ${type}`);
  else if (!scalarChecks[type] && type.startsWith("map of ") && (typeof value !== "object" || value === null)) problems.push(`${at}: must be a map`);
}

export function loadLokiReference(version: string): LokiReference {
  return parseLokiReference(fs.readFileSync(lokiReferencePath(version), "utf8"));
}

import { stringify } from "yaml";

/**
 * YAML as the consuming tools read it and reviewers diff it: block style, keys in the order given,
 * no line folding (a long PromQL expression stays on one line, so a changed threshold is a one-line diff).
 */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, indent: 2, aliasDuplicateObjects: false });
}

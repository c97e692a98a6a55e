// A stack config (top-level key → value, objects as they would be set) through the real validator: the
// problems it reports as "key: message" lines, or an error if it accepted the config.
import { CONFIG_NAMESPACE, parseStackConfig, secretConfigKeys, StackConfigError } from "../../stacks/config";

/** `secretKeys`: the keys Pulumi holds as secrets; by default, those of `config` that are credentials. */
export function problemsOf(config: Record<string, unknown>, secretKeys = Object.keys(config).filter((key) => secretConfigKeys.has(key))): string[] {
  const raw = Object.fromEntries(Object.entries(config).map(([k, v]) => [`${CONFIG_NAMESPACE}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
  try {
    parseStackConfig(raw, new Set(secretKeys.map((k) => `${CONFIG_NAMESPACE}:${k}`)));
  } catch (error) {
    if (!(error instanceof StackConfigError)) throw error;
    return error.problems.map((p) => `${p.key}: ${p.message}`);
  }
  throw new Error("the config was accepted");
}

/** Whether the validator accepts the config. */
export function accepts(config: Record<string, unknown>, secretKeys?: string[]): boolean {
  try {
    problemsOf(config, secretKeys);
    return false;
  } catch (error) {
    if ((error as Error).message === "the config was accepted") return true;
    throw error;
  }
}

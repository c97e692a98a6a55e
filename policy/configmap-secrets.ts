// No secrets in ConfigMaps: credentials go in Secrets, read as files or env vars.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { objectRef } from "./resource-inputs";

/** Keys whose value is a credential (a `_file`/`File`/`_path` variant names a file holding it, which is fine). */
const secretKey = /(password|passwd|secret|token|api[_-]?key|apikey|routing[_-]?key|service[_-]?key|access[_-]?key|private[_-]?key|credentials?)$/i;
const referenceSuffix = /(_file|File|_path|Path|_ref|Ref|_env|Env|_name|Name)$/;
/** Values that are credentials whatever their key. */
const secretValues: [RegExp, string][] = [
  [/-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/, "a PEM private key"],
  [/hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/, "a Slack webhook URL"],
  [/\bAKIA[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, "a GitHub token"],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/, "a JSON Web Token"],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']+:[^\s/@"']+@/i, "a URL with a password in it"],
];
/** `key: value` / `key = value` / `"key": "value"` / `key => value` lines of YAML, INI, properties, .env, JSON or Logstash config. */
const assignment = /^\s*-?\s*"?([A-Za-z0-9_.-]+)"?\s*(?:=>|[:=])\s*(.*?)\s*,?\s*$/;

/**
 * A reference to where a secret lives, resolved by the program that reads the file: an environment variable
 * (`${VAR}` — Logstash, Loki's -config.expand-env —, the OpenTelemetry Collector's (Jaeger v2's) `${env:VAR}`,
 * Kubernetes' `$(VAR)`), a file (the Collector's `${file:path}`), or Grafana's `$__file{path}` / `$__env{VAR}`.
 * A bare `$word` is not taken for one (a literal password may well start with "$"), nor a reference with a
 * default (`${VAR:default}`) unless the default is empty: a default is a literal value.
 */
const secretReference = /^(?:\$\{(?:env:)?[A-Za-z_][A-Za-z0-9_]*(?::-?)?\}|\$\{file:[^}]+\}|\$\([A-Za-z_][A-Za-z0-9_]*\)|\$__(?:file|env)\{[^}]+\})$/;

/** Values that hold no secret: empty, null, a reference to an env var or file, or a redaction marker. */
function isHarmlessValue(value: string): boolean {
  const v = value.replace(/^["']|["']$/g, "").trim();
  return v === "" || v === "~" || v === "null" || v === "{}" || v === "[]" || v === "|" || v === ">" || secretReference.test(v) || v.startsWith("<secret") || /^\*+$/.test(v);
}

/** Why a ConfigMap entry looks like it holds a secret, or undefined. */
export function configMapSecretProblem(key: string, value: unknown): string | undefined {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "");
  if (secretKey.test(key) && !referenceSuffix.test(key) && !isHarmlessValue(text)) return `key "${key}" looks like a credential`;
  for (const [pattern, what] of secretValues) if (pattern.test(text)) return `key "${key}" contains ${what}`;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = assignment.exec(lines[i]);
    if (!match) continue;
    const [, name, rhs] = match;
    if (secretKey.test(name) && !referenceSuffix.test(name) && !isHarmlessValue(rhs)) {
      return `key "${key}" line ${i + 1} sets "${name}" (a credential belongs in a Secret; reference it as a file or env var)`;
    }
  }
  return undefined;
}

/** ConfigMaps hold no credentials: those go in Secrets (from Pulumi secrets), read as files or env vars. */
export function validateNoSecretsInConfigMaps(args: ResourceValidationArgs, report: ReportViolation): void {
  if (!args.type.startsWith("kubernetes:") || args.props?.kind !== "ConfigMap") return;
  for (const field of ["data", "binaryData"]) {
    for (const [key, value] of Object.entries<unknown>(args.props[field] ?? {})) {
      const problem = field === "binaryData" ? (secretKey.test(key) && !referenceSuffix.test(key) ? `key "${key}" looks like a credential` : undefined) : configMapSecretProblem(key, value);
      if (problem) report(`ConfigMap ${objectRef(args.props)}: ${problem}`);
    }
  }
}

export const noSecretsInConfigMapsPolicy: ResourceValidationPolicy = {
  name: "no-secrets-in-configmaps",
  description: "ConfigMaps hold no credentials (passwords, tokens, keys, webhook URLs); those belong in Secrets.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: validateNoSecretsInConfigMaps,
};

// Credentials in a URL (user-info, or a token in the query string) must never reach a log line, a page
// or an error message. Everything the exporter prints or serves about its ML endpoint goes through here.

/** Query parameters whose values are credentials by name (compared case-insensitively, ignoring - and _). */
const SECRET_PARAMS = /^(access_?token|api_?key|apikey|auth|authorization|client_?secret|code|key|pass|passwd|password|pwd|secret|sig|signature|token|x_?amz_?security_?token|x_?amz_?signature|x_?goog_?signature)$/;

export const REDACTED = "REDACTED";

/**
 * The URL with its password, user name and credential-like query values replaced by REDACTED. Text
 * that is not an http(s) URL (a config error echoes it) loses everything before its last '@' instead:
 * `ml-service:secret@host` parses as a URL of scheme "ml-service" with no user-info at all.
 */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError("not http(s)");
  } catch {
    const text = String(input);
    const at = text.lastIndexOf("@");
    const redacted = at < 0 ? text : `${REDACTED}@${text.slice(at + 1)}`;
    return redacted.replace(/([?&][^=&#]*=)[^&#]*/g, (m, name: string) => (isSecretParam(name.slice(1, -1)) ? `${name}${REDACTED}` : m));
  }
  if (url.username) url.username = REDACTED;
  if (url.password) url.password = REDACTED;
  for (const name of [...new Set(url.searchParams.keys())]) {
    if (isSecretParam(name)) url.searchParams.set(name, REDACTED);
  }
  return url.href;
}

function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // keep the raw name
  }
  return SECRET_PARAMS.test(decoded.toLowerCase().replace(/-/g, "_"));
}

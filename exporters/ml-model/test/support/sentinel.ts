// A password that must never appear in anything the exporter prints or serves, and the forms it could
// take there: raw, percent-encoded (as in a URL), JSON-escaped, and inside a Basic Authorization header.
export const SENTINEL_USER = "svc-user";
export const SENTINEL_PASSWORD = "S3ntinel/p@ss:wörd";

export const sentinelForms = (password = SENTINEL_PASSWORD): string[] => [
  password,
  encodeURIComponent(password),
  new URL(`http://u:${encodeURIComponent(password)}@h/`).password, // the WHATWG URL's own encoding
  JSON.stringify(password).slice(1, -1),
  Buffer.from(`${SENTINEL_USER}:${password}`).toString("base64"),
  "S3ntinel", // any recognisable fragment
];

/** The forms of the sentinel found in `text` (none, if nothing leaked). */
export const leakedForms = (text: string, password = SENTINEL_PASSWORD) => sentinelForms(password).filter((f) => text.includes(f));

/** An endpoint whose user-info and query both carry the sentinel. */
export const endpointWithCredentials = (base: string) =>
  `${base.replace("://", `://${SENTINEL_USER}:${encodeURIComponent(SENTINEL_PASSWORD)}@`)}/?token=${encodeURIComponent(SENTINEL_PASSWORD)}`;

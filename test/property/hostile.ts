// Values a careless or hostile user could put into any config key: the hostile half of every leaf's generator
// (the valid half comes from the schema's own bounds and the presets, schema-arbitraries.ts).

/** Marks the password of a URL's user-info in a plain (non-secret) key: a credential that must not reach any file. */
export const USERINFO_MARK = "UiNfO";

/** Text that breaks naive renderers: template engines, YAML/JSON, shells, terminals, bidi and invisible characters. */
export const hostileText: string[] = [
  "", " ", "\t", "a".repeat(64), "a".repeat(300), "x".repeat(5000),
  "UPPER", "x-", "-x", "a.b", "a_b", "a b", "a,b", "a;b", "a=b",
  "\u202Eevil\u202C", "zero\u200Bwidth", "bom\uFEFF", "nul\u0000byte", "bell\u0007esc\u001b[31m", "del\u007f",
  "日本語", "é", "🙂", "\uD800", "İ",
  "{{ .Labels.instance }}", "{{", "}}", "{{ template \"x\" }}", "${HOME}", "$(id)", "`id`", "%{[x]}", "#{x}",
  "key: value", "- item", "# comment", "&anchor", "*alias", "!!binary", "?", "|", ">", "@", "%",
  "\"quoted\"", "'single'", "\\", "\\n", "line\nbreak", "cr\r\nlf", "---", "...", "{}", "[]", "null", "~",
  "true", "false", "yes", "no", "on", "0", "-1", "1e308", "NaN", "Infinity", "0x1F", "0o17", "1_000",
  "../../etc/passwd", "/", "<script>alert(1)</script>", "&amp;", "%00", "%0a", "\\u0000",
  `https://u:${USERINFO_MARK}pw1@h.example.com/`,
];

/** Names (Kubernetes, cloud, Slack) at and past their limits, reserved, and case or character near-misses. */
export const hostileNames: string[] = [
  "kube-system", "kube-public", "kube-node-lease", "default", "monitoring", "monitoring-host", "elastic-system",
  "a", "0", "9abc", "a".repeat(63), "a".repeat(64), `${"a".repeat(62)}-`, `a${"-".repeat(61)}a`, "ab-", "-ab", "a--b",
  "Monitoring", "MONITORING", "a.b", "a_b", "a:b", "a/b", "xn--bcher-kva", "#alerts", "#", "#A", "# x",
];

/** Durations Prometheus, Go (Alloy, Jaeger), Loki and ISO 8601 readers disagree on, or that are out of any range. */
export const hostileDurations: string[] = [
  "0s", "0", "1", "5", "1ms", "100ms", "999ms", "1s", "5s", "59s", "1m", "10m", "1h", "1h30m", "2h", "24h", "1d", "1w", "2w",
  "7d", "30d", "31d", "365d", "730d", "731d", "3650d", "3651d", "1y", "10y", "999999y", `${Number.MAX_SAFE_INTEGER}s`,
  "-1s", "-5m", "1.5m", "1.5h", ".5s", "1e3s", "1h 30m", "1H", "1M", "1D", "PT5M", "P1D", "1min", "1sec", "1hour",
  "30s30s", "1m1h", "1d1h", "1w1d", "1y1w1d1h1m1s1ms",
];

/** URLs with credentials, odd ports, schemes, hosts and paths. */
export const hostileUrls: string[] = [
  `https://u:${USERINFO_MARK}pw2@h.example.com/`, `http://user:${USERINFO_MARK}pw3@ml-service.novacron.svc:8000`,
  "https://h.example.com:0/", "https://h.example.com:65535/", "https://h.example.com:65536/", "http://h.example.com:99999",
  "https://", "https://h", "http://localhost", "http://127.0.0.1:1", "https://[::1]:9000/", "https://10.0.0.1/",
  "ftp://h.example.com/", "file:///etc/passwd", "javascript:alert(1)", "oci://registry.example.com/charts", "HTTPS://H.EXAMPLE.COM/",
  "https://h.example.com/{{ .x }}", "https://h.example.com/${x}", "https://h.example.com/a b", "https://h.example.com/a\nb",
  "https://h.example.com/#frag", "https://h.example.com/?q=\"x\"&y='z'", "https://h.example.com/%zz", "https://h.example.com/é",
  "https://xn--bcher-kva.example/", "https://h.example.com/" + "p".repeat(3000), "https://h.example.com/a/../b", "https://h.example.com//x",
];

/** Numbers at the edges of what JSON, JavaScript, Go and YAML can hold, and strings that look like numbers. */
export const hostileNumbers: unknown[] = [
  0, -0, -1, 1, 2, 2.5, 0.1, 1e-9, 1e-308, 5e-324, 65535, 65536, 70000, 1e6, 2 ** 31, 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2, Number.MIN_SAFE_INTEGER, 1e308, -1e308, Number.MAX_VALUE,
  "NaN", "Infinity", "-Infinity", "1e3", "0x10", " 2", "2 ", "", "1,5", "1_000",
];

/** Wrong types for any key. */
export const wrongTypes: unknown[] = [null, true, false, 0, 1, "", "x", [], {}, [null], { enabled: true }];

/** Raw text where Pulumi hands a structured key as JSON: broken JSON, YAML, smuggled prototypes. */
export const hostileRawText: string[] = [
  "", "{", "{not json", "null", "[]", "{}", "42", "\"x\"", "true", "replicas: 2", "{replicas: 2}", "{\"a\":1,}",
  "{\"__proto__\": {\"replicas\": 0}}", "{\"constructor\": {\"prototype\": {\"x\": 1}}}", "[{}]", "\u0000",
];

/** Keys a typo or an attacker adds to an object. */
export const strayKeys: string[] = ["enabled ", "Enabled", "replica", "extra", "__proto__", "constructor", "prototype", "", "a.b", "[0]"];

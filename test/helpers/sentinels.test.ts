import { stringify } from "yaml";
import { findSecretLeaks, sentinelEncodings } from "./sentinels";

const token = `s3cr"t/é+?&<x>'\\ \u00e9:${"z".repeat(7)}`;
const secrets = { smtpPassword: token };

test.each([
  ["raw", `password: ${token}`],
  ["JSON-escaped", JSON.stringify({ password: token })],
  ["JSON-escaped twice", JSON.stringify({ body: JSON.stringify({ password: token }) })],
  ["YAML double-quoted", stringify({ password: token }, { defaultStringType: "QUOTE_DOUBLE", lineWidth: 0 })],
  ["YAML single-quoted", stringify({ password: token }, { defaultStringType: "QUOTE_SINGLE", lineWidth: 0 })],
  ["URL-encoded", `https://example.com/?p=${encodeURIComponent(token)}`],
  ["HTML-escaped", `<p>${token.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")}</p>`],
])("finds a secret %s", (encoding, text) => {
  // Some forms coincide for this token (YAML double quotes escape as JSON does): the first that matches is named.
  const leaks = findSecretLeaks(text, secrets);
  expect(leaks).toHaveLength(1);
  const named = sentinelEncodings(token).find((e) => e.encoding === leaks[0].encoding)!;
  expect(named.text).toBe(sentinelEncodings(token).find((e) => e.encoding === encoding)?.text ?? named.text);
  expect(text).toContain(named.text);
});

test.each([0, 1, 2, 5])("finds a secret base64-encoded inside a longer text, %i bytes in", (offset) => {
  const blob = Buffer.from(`${"x".repeat(offset)}user:${token};rest`).toString("base64");
  expect(findSecretLeaks(`data: ${blob}`, secrets).map((l) => l.encoding)).toEqual(["base64"]);
  expect(findSecretLeaks(`data: ${blob.replaceAll("+", "-").replaceAll("/", "_")}`, secrets).length).toBe(1);
});

test("a short secret is searched for like any other", () => {
  expect(findSecretLeaks("key: Qx§7", { short: "Qx§7" })).toEqual([{ secret: "short", encoding: "raw" }]);
  expect(findSecretLeaks(`key: ${encodeURIComponent("Qx§7")}`, { short: "Qx§7" })).toEqual([{ secret: "short", encoding: "URL-encoded" }]);
});

test("text without the secret has no leak", () => {
  expect(findSecretLeaks(JSON.stringify({ password: token.slice(0, -1) }), secrets)).toEqual([]);
  expect(sentinelEncodings(token).every((e) => e.text.length > 0)).toBe(true);
});

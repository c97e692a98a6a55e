import { REDACTED, redactUrl } from "../src/redact";
import { leakedForms, SENTINEL_PASSWORD } from "./support/sentinel";

const pw = encodeURIComponent(SENTINEL_PASSWORD);

describe("redactUrl", () => {
  it.each([
    [`https://user:${pw}@ml.example/api`, `https://${REDACTED}:${REDACTED}@ml.example/api`],
    [`https://${pw}@ml.example/`, `https://${REDACTED}@ml.example/`],
    [`http://u:${pw}@10.0.0.1:8000/v1?token=${pw}&x=1`, `http://${REDACTED}:${REDACTED}@10.0.0.1:8000/v1?token=${REDACTED}&x=1`],
    [`http://ml/?API-Key=${pw}&Access_Token=${pw}&sig=${pw}&page=2`, `http://ml/?API-Key=${REDACTED}&Access_Token=${REDACTED}&sig=${REDACTED}&page=2`],
    ["http://ml-service:8000/", "http://ml-service:8000/"],
  ])("%s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
    expect(leakedForms(redactUrl(input))).toEqual([]);
  });

  it("takes URL objects, as the client holds them", () => {
    expect(redactUrl(new URL(`http://a:${pw}@h/`))).toBe(`http://${REDACTED}:${REDACTED}@h/`);
  });

  it.each([
    [`ml-service:${SENTINEL_PASSWORD}@host:8000`],
    [`user:${SENTINEL_PASSWORD}@host`],
    [`//user:${pw}@host/?password=${pw}`],
    [`http://user:${SENTINEL_PASSWORD} with spaces@host`],
  ])("removes user-info and credential parameters from text that is not a URL: %s", (input) => {
    expect(leakedForms(redactUrl(input))).toEqual([]);
  });
});

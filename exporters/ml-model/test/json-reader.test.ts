import { JsonReader, JsonSyntaxError, MAX_DEPTH } from "../src/json-reader";

const read = (text: string) => {
  const r = new JsonReader(Buffer.from(text));
  const value = r.value();
  r.end();
  return value;
};
const skip = (text: string) => {
  const r = new JsonReader(Buffer.from(text));
  r.skip();
  r.end();
};
const accepts = (text: string, parse: (t: string) => unknown) => {
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("JsonReader accepts and builds what JSON.parse does", () => {
  it.each([
    ['{"a":[1,-2.5e3,0,1E-2,true,false,null],"b":{"c":"d"}}'],
    ['  \n\t{ "spaced" : [ 1 , 2 ] }\r\n'],
    ['"escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00"'],
    ['"raw UTF-8: é € 😀"'],
    ['{"a":1,"a":2}'],
    ['{"__proto__":{"polluted":true}}'],
    ["[]"],
    ["{}"],
    ["-0"],
    ["1e400"],
    ["5e-324"],
    ['"\\ud800"'],
  ])("%s", (text) => {
    expect(read(text)).toEqual(JSON.parse(text));
    expect(() => skip(text)).not.toThrow();
  });

  it("keeps __proto__ as an own key, as JSON.parse does", () => {
    const value = read('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("JsonReader refuses what JSON.parse refuses", () => {
  it.each([
    [""], ["{"], ["[1,]"], ['{"a":1,}'], ["01"], ["1."], [".5"], ["+1"], ["-"], ["1e"], ["NaN"], ["Infinity"],
    ["tru"], ["nul"], ["'single'"], ['"unterminated'], ['"tab\tinside"'], ['"bad \\x escape"'], ['"\\u12"'],
    ['{"a" 1}'], ["{a:1}"], ["[1 2]"], ["{} {}"], ["\ufeff{}"], ['{"a":1}x'],
  ])("%j", (text) => {
    expect(accepts(text, JSON.parse)).toBe(false);
    expect(() => read(text)).toThrow(JsonSyntaxError);
    expect(() => skip(text)).toThrow(JsonSyntaxError);
  });
});

it(`refuses nesting deeper than ${MAX_DEPTH} levels instead of overflowing the stack`, () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  expect(() => skip(deep)).toThrow(/nested deeper than 256 levels/);
  const ok = "[".repeat(MAX_DEPTH) + "]".repeat(MAX_DEPTH);
  expect(() => skip(ok)).not.toThrow();
});

it("looks ahead with fork() without moving the original reader", () => {
  const r = new JsonReader(Buffer.from('[{"features":[1]},2]'));
  r.array((i) => {
    if (i === 0) {
      const probe = r.fork();
      const keys: string[] = [];
      probe.object((k) => (keys.push(k), probe.skip()));
      expect(keys).toEqual(["features"]);
    }
    r.skip();
  });
  r.end();
});

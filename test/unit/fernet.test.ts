import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { Fernet, FernetError, MultiFernet, parseFernetKeys } from "../../src/crypto/fernet.js";

// The Fernet specification's official vectors, kept in the repository (see its README).
const vectorsDir = new URL("../fixtures/fernet/", import.meta.url);

interface Vector {
  desc?: string;
  token: string;
  now: string;
  secret: string;
  ttl_sec?: number;
  src?: string;
  iv?: number[];
}

const loadVectors = (name: string): Vector[] => JSON.parse(readFileSync(new URL(name, vectorsDir), "utf8")) as Vector[];

const keyFromB64 = (b64: string): Buffer => {
  const [key] = parseFernetKeys(b64);
  if (!key) throw new Error("no key");
  return key;
};

const newKeyB64 = (): string => `${randomBytes(32).toString("base64url")}=`;

const decodeToken = (t: string): Buffer => Buffer.from(t, "base64");
const encodeToken = (b: Buffer): string => b.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");

/** Runs a Python snippet that reads `inp` (JSON on stdin) and sets `out` (JSON on stdout). */
function py<T>(body: string, input: unknown): T {
  const script = [
    "import sys, json, base64",
    "from cryptography.fernet import Fernet, MultiFernet, InvalidToken",
    "inp = json.loads(sys.stdin.buffer.read().decode('utf-8'))",
    body,
    "sys.stdout.buffer.write(json.dumps(out).encode('ascii'))",
  ].join("\n");
  const stdout = execFileSync("python3", ["-c", script], { input: JSON.stringify(input), encoding: "utf8" });
  return JSON.parse(stdout) as T;
}

/** Returns the thrown error, failing the test if nothing (or not a FernetError) was thrown. */
function catchFernet(fn: () => unknown): FernetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FernetError);
    return err as FernetError;
  }
  throw new Error("expected a FernetError to be thrown");
}

const expectInvalidToken = (fn: () => unknown): FernetError => {
  const err = catchFernet(fn);
  expect(err.code).toBe("invalid_token");
  return err;
};

const SAMPLES: string[] = [
  "",
  "hello",
  "crème brûlée, naïve café, Ærøskøbing, ñandú",
  "emoji 🎉🚀👩‍💻 and CJK 日本語 and RTL مرحبا",
  "\u0000nul\u0000 and\nnewlines\r\n\ttabs",
  "\uFEFFleading BOM",
  "xoxb-1234-5678-abcdefghijklmnop",
  "a".repeat(15),
  "a".repeat(16),
  ("ünïcødé 🎉 " + "0123456789").repeat(400).slice(0, 10_240),
];

describe("Fernet spec test vectors", () => {
  const generate = loadVectors("generate.json");
  const verify = loadVectors("verify.json");
  const invalid = loadVectors("invalid.json");

  it("loads the expected number of cases", () => {
    expect(generate).toHaveLength(1);
    expect(verify).toHaveLength(1);
    expect(invalid).toHaveLength(8);
  });

  it.each(generate)("generate: $src", (v) => {
    const iv = Buffer.from(v.iv ?? []);
    expect(new Fernet(keyFromB64(v.secret)).encrypt(v.src ?? "", { now: new Date(v.now), iv })).toBe(v.token);
    expect(new MultiFernet([keyFromB64(v.secret)]).encrypt(v.src ?? "", { now: new Date(v.now), iv })).toBe(v.token);
  });

  it.each(verify)("verify: $src", (v) => {
    const opts = { now: new Date(v.now), ...(v.ttl_sec !== undefined && { ttlSec: v.ttl_sec }) };
    expect(new Fernet(keyFromB64(v.secret)).decryptString(v.token, opts)).toBe(v.src);
    expect(new MultiFernet([keyFromB64(newKeyB64()), keyFromB64(v.secret)]).decryptString(v.token, opts)).toBe(v.src);
  });

  it.each(invalid)("invalid: $desc", (v) => {
    const opts = { now: new Date(v.now), ...(v.ttl_sec !== undefined && { ttlSec: v.ttl_sec }) };
    expectInvalidToken(() => new Fernet(keyFromB64(v.secret)).decrypt(v.token, opts));
    expectInvalidToken(() => new MultiFernet([keyFromB64(v.secret)]).decrypt(v.token, opts));
  });
});

describe("parseFernetKeys", () => {
  const k1 = newKeyB64();
  const k2 = newKeyB64();

  it("parses a list, trimming whitespace and ignoring empty entries, keeping order", () => {
    const keys = parseFernetKeys(` ${k1} ,, \n${k2}\t,`);
    expect(keys.map((k) => `${k.toString("base64url")}=`)).toEqual([k1, k2]);
    expect(keys.every((k) => k.length === 32)).toBe(true);
  });

  it.each([
    ["standard alphabet", `${"+".repeat(43)}=`],
    ["standard alphabet (slash)", `${"/".repeat(43)}=`],
    ["missing padding", "A".repeat(43)],
    ["31 bytes", `${randomBytes(31).toString("base64url")}=`],
    ["33 bytes", randomBytes(33).toString("base64url")],
    ["garbage", "not a key"],
  ])("rejects %s, naming the index but not the value", (_label, bad) => {
    const err = catchFernet(() => parseFernetKeys(`${k1}, ,${bad}`));
    expect(err.code).toBe("invalid_key");
    expect(err.message).toContain("index 2");
    expect(err.message).not.toContain(bad);
    expect(err.message).not.toContain(k1);
  });

  it("rejects an empty list", () => {
    expect(catchFernet(() => parseFernetKeys(" , ")).code).toBe("invalid_key");
  });

  it("rejects keys of the wrong length in constructors", () => {
    expect(catchFernet(() => new Fernet(randomBytes(16))).code).toBe("invalid_key");
    expect(catchFernet(() => new MultiFernet([])).code).toBe("invalid_key");
  });
});

describe("interop with Python cryptography.fernet", () => {
  const k1 = newKeyB64(); // primary (new)
  const k2 = newKeyB64(); // old
  const k3 = newKeyB64(); // unknown to us
  const mf = new MultiFernet(parseFernetKeys(`${k1},${k2}`));

  it("(a) Python MultiFernet([k1,k2]) encrypts, TS decrypts", () => {
    const tokens = py<string[]>(
      "mf = MultiFernet([Fernet(inp['k1']), Fernet(inp['k2'])])\n" + "out = [mf.encrypt(s.encode('utf-8')).decode('utf-8') for s in inp['samples']]",
      { k1, k2, samples: SAMPLES },
    );
    expect(tokens.map((t) => mf.decryptString(t))).toEqual(SAMPLES);
    expect(tokens.map((t) => new Fernet(keyFromB64(k1)).decryptString(t))).toEqual(SAMPLES);
    expect(tokens.every((t) => mf.encryptsWithPrimary(t))).toBe(true);
  });

  it("(b) TS encrypts, Python Fernet decrypts to the same text", () => {
    const tokens = [...SAMPLES.map((s) => new Fernet(keyFromB64(k1)).encrypt(s)), ...SAMPLES.map((s) => mf.encrypt(s))];
    const out = py<string[]>("f = Fernet(inp['k1'])\nout = [f.decrypt(t).decode('utf-8') for t in inp['tokens']]", { k1, tokens });
    expect(out).toEqual([...SAMPLES, ...SAMPLES]);
  });

  it("produces byte-identical tokens to Python for the same key, time and IV", () => {
    const iv = randomBytes(16);
    const now = new Date("2024-02-29T12:34:56.789Z");
    const ours = SAMPLES.map((s) => mf.encrypt(s, { now, iv }));
    const theirs = py<string[]>(
      "f = Fernet(inp['k1'])\niv = bytes.fromhex(inp['iv'])\n" +
        "out = [f._encrypt_from_parts(s.encode('utf-8'), inp['ts'], iv).decode() for s in inp['samples']]",
      { k1, iv: iv.toString("hex"), ts: Math.floor(now.getTime() / 1000), samples: SAMPLES },
    );
    expect(ours).toEqual(theirs);
  });

  it("(c) a token under the old key decrypts, and after rotate Python reads it with only the new key", () => {
    const oldTs = 1_600_000_000;
    const { token } = py<{ token: string }>("out = {'token': Fernet(inp['k2']).encrypt_at_time('old secret ✓'.encode('utf-8'), inp['ts']).decode()}", {
      k2,
      ts: oldTs,
    });
    expect(mf.decryptString(token)).toBe("old secret ✓");
    expect(mf.encryptsWithPrimary(token)).toBe(false);

    const rotated = mf.rotate(token);
    expect(rotated).not.toBe(token);
    expect(mf.encryptsWithPrimary(rotated)).toBe(true);
    expect(decodeToken(rotated).readBigUInt64BE(1)).toBe(BigInt(oldTs));

    const out = py<{ text: string; ts: number; oldKeyRejects: boolean }>(
      "f = Fernet(inp['k1'])\n" +
        "try:\n  Fernet(inp['k2']).decrypt(inp['rotated'])\n  rej = False\nexcept InvalidToken:\n  rej = True\n" +
        "out = {'text': f.decrypt(inp['rotated']).decode('utf-8'), 'ts': f.extract_timestamp(inp['rotated']), 'oldKeyRejects': rej}",
      { k1, k2, rotated },
    );
    expect(out).toEqual({ text: "old secret ✓", ts: oldTs, oldKeyRejects: true });
  });

  it("(d) a token from an unknown key fails closed", () => {
    const { token } = py<{ token: string }>("out = {'token': Fernet(inp['k3']).encrypt(b'secret').decode()}", { k3 });
    expectInvalidToken(() => mf.decrypt(token));
    expectInvalidToken(() => mf.decryptString(token));
    expectInvalidToken(() => mf.rotate(token));
    expectInvalidToken(() => new Fernet(keyFromB64(k1)).decrypt(token));
    expect(mf.encryptsWithPrimary(token)).toBe(false);
  });

  it("like Python, checks the clock only when a TTL is given", () => {
    const future = new Date(Date.now() + 3600_000);
    const token = mf.encrypt("from a fast clock", { now: future });
    const out = py<{ noTtl: string; withTtl: string }>(
      "f = Fernet(inp['k1'])\n" +
        "try:\n  f.decrypt(inp['token'], ttl=3600)\n  w = 'ok'\nexcept InvalidToken:\n  w = 'invalid'\n" +
        "out = {'noTtl': f.decrypt(inp['token']).decode(), 'withTtl': w}",
      { k1, token },
    );
    expect(out).toEqual({ noTtl: "from a fast clock", withTtl: "invalid" });
    expect(mf.decryptString(token)).toBe("from a fast clock");
    expectInvalidToken(() => mf.decrypt(token, { ttlSec: 3600 }));
    // Within the 60 s skew allowance, and expiry boundary (timestamp + ttl == now is still valid).
    const t0 = new Date("2030-01-01T00:00:00Z");
    const tok = mf.encrypt("x", { now: t0 });
    expect(mf.decryptString(tok, { ttlSec: 10, now: new Date(t0.getTime() - 60_000) })).toBe("x");
    expectInvalidToken(() => mf.decrypt(tok, { ttlSec: 10, now: new Date(t0.getTime() - 61_000) }));
    expect(mf.decryptString(tok, { ttlSec: 10, now: new Date(t0.getTime() + 10_999) })).toBe("x");
    expectInvalidToken(() => mf.decrypt(tok, { ttlSec: 10, now: new Date(t0.getTime() + 11_000) }));
  });
});

describe("tampering and malformed input", () => {
  const key = keyFromB64(newKeyB64());
  const f = new Fernet(key);
  const plaintext = "tamper-me: xoxb-secret-token-value";
  const token = f.encrypt(plaintext);

  it("the untouched token decrypts", () => {
    expect(f.decryptString(token)).toBe(plaintext);
  });

  it("flipping any single byte makes decrypt throw", () => {
    const bytes = decodeToken(token);
    // Every position (covers version, timestamp, IV, ciphertext and MAC) with a few masks.
    for (let pos = 0; pos < bytes.length; pos++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const copy = Buffer.from(bytes);
        copy[pos] = copy[pos]! ^ mask;
        expectInvalidToken(() => f.decrypt(encodeToken(copy)));
      }
    }
  });

  it("rejects truncation, extension and non-canonical text forms", () => {
    const bytes = decodeToken(token);
    let withUrlChars = token;
    for (let i = 0; !/[-_]/.test(withUrlChars); i++) withUrlChars = f.encrypt(`${plaintext}${i}`);
    const standardAlphabet = withUrlChars.replace(/-/g, "+").replace(/_/g, "/");
    const padded = f.encrypt("x"); // 73 bytes, so it ends in "=="
    expect(padded.endsWith("==")).toBe(true);
    expect(decodeToken(standardAlphabet)).toEqual(decodeToken(withUrlChars));
    const variants = [
      encodeToken(bytes.subarray(0, bytes.length - 1)),
      encodeToken(bytes.subarray(0, bytes.length - 16)),
      encodeToken(bytes.subarray(1)),
      encodeToken(Buffer.concat([bytes, Buffer.alloc(16)])),
      padded.slice(0, -1), // missing padding
      padded.slice(0, -2),
      `${padded}==`, // too much padding
      `${token}=`,
      ` ${token}`,
      `${token}\n`,
      standardAlphabet, // same bytes, but Python never emits '+' or '/'
      "",
      "====",
      "gA==",
    ];
    for (const v of variants) expectInvalidToken(() => f.decrypt(v));
  });

  it("decryptString refuses plaintext that is not valid UTF-8; decrypt returns the raw bytes", () => {
    const raw = Buffer.from([0xff, 0xfe, 0x00, 0xc3]);
    const t = f.encrypt(raw);
    expect(f.decrypt(t)).toEqual(raw);
    expectInvalidToken(() => f.decryptString(t));
  });
});

describe("error messages", () => {
  it("never contain the token or the plaintext, and are identical for every token failure", () => {
    const key = keyFromB64(newKeyB64());
    const f = new Fernet(key);
    const mf = new MultiFernet([key]);
    const plaintext = "super-secret-plaintext-4242";
    const token = f.encrypt(plaintext, { now: new Date("2020-01-01T00:00:00Z") });
    const bytes = decodeToken(token);
    const badMac = Buffer.from(bytes);
    badMac[bytes.length - 1]! ^= 1;
    const foreign = new Fernet(keyFromB64(newKeyB64())).encrypt(plaintext);

    const errors = [
      expectInvalidToken(() => f.decrypt(encodeToken(badMac))),
      expectInvalidToken(() => f.decrypt(token, { ttlSec: 60 })), // expired
      expectInvalidToken(() => f.decrypt(token.slice(0, -4))),
      expectInvalidToken(() => f.decrypt(`%${token}`)),
      expectInvalidToken(() => f.decrypt(foreign)),
      expectInvalidToken(() => mf.decryptString(foreign)),
      expectInvalidToken(() => mf.rotate(foreign)),
    ];
    const messages = new Set(errors.map((e) => e.message));
    expect(messages.size).toBe(1);
    for (const e of errors) {
      const rendered = `${String(e)}\n${e.stack ?? ""}\n${JSON.stringify(e)}`;
      for (const secret of [token, foreign, plaintext, token.slice(0, 20), token.slice(-20)]) {
        expect(rendered).not.toContain(secret);
      }
      expect(e.cause).toBeUndefined();
    }
  });
});

/**
 * Fernet (https://github.com/fernet/spec), byte-compatible with Python's
 * `cryptography.fernet`, so the bot can read and write the credential columns
 * that django-encrypted-model-fields stores as Fernet tokens.
 *
 * Token: 0x80 | u64be timestamp | 16-byte IV | AES-128-CBC(PKCS7) | HMAC-SHA256,
 * url-safe base64 with '=' padding. Key: 32 bytes = signing key | AES key.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type FernetErrorCode = "invalid_key" | "invalid_token";

export class FernetError extends Error {
  readonly code: FernetErrorCode;
  constructor(code: FernetErrorCode, message: string) {
    super(message);
    this.name = "FernetError";
    this.code = code;
  }
}

// One message for every token failure: distinguishing MAC, padding, format or
// time failures would give an attacker an oracle. It also never echoes the
// token or plaintext, since errors end up in logs.
const invalidToken = (): FernetError => new FernetError("invalid_token", "Invalid Fernet token");

const VERSION = 0x80;
const HEADER_LEN = 1 + 8 + 16;
const MAC_LEN = 32;
const BLOCK = 16;
// Smallest well-formed token: header, one padded block, MAC. Shorter inputs are
// rejected before any crypto so slicing never produces overlapping parts.
const MIN_LEN = HEADER_LEN + BLOCK + MAC_LEN;
// Python's _MAX_CLOCK_SKEW.
const MAX_CLOCK_SKEW_SEC = 60;
// Strict url-safe alphabet: stricter than Python's lenient decoder (which drops
// stray characters) but every token Python emits matches.
const TOKEN_RE = /^[A-Za-z0-9_-]*={0,2}$/;
const KEY_RE = /^[A-Za-z0-9_-]{43}=$/;

const toUnixSec = (d: Date): bigint => {
  const ms = d.getTime();
  // Pre-1970 times cannot be written as an unsigned timestamp (Python refuses too).
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError("Fernet: invalid date");
  return BigInt(Math.floor(ms / 1000));
};

// fatal: a silently U+FFFD-mangled credential is worse than an error (Python's
// .decode('utf-8') raises too); ignoreBOM keeps a leading BOM, as Python does.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const b64urlEncode = (buf: Buffer): string => buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");

/** Comma-separated url-safe base64 keys (first = primary). Errors name the position, never the key. */
export function parseFernetKeys(csv: string): Buffer[] {
  const keys: Buffer[] = [];
  csv.split(",").forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === "") return;
    if (!KEY_RE.test(entry)) {
      throw new FernetError("invalid_key", `Fernet key at index ${index} is not url-safe base64 of 32 bytes`);
    }
    keys.push(Buffer.from(entry, "base64url"));
  });
  if (keys.length === 0) throw new FernetError("invalid_key", "No Fernet keys configured");
  return keys;
}

interface ParsedToken {
  readonly timestamp: bigint;
  readonly data: Buffer;
}

function parseToken(token: string): ParsedToken {
  if (typeof token !== "string" || token.length % 4 !== 0 || !TOKEN_RE.test(token)) throw invalidToken();
  const data = Buffer.from(token, "base64");
  if (data.length < MIN_LEN || data[0] !== VERSION) throw invalidToken();
  if ((data.length - HEADER_LEN - MAC_LEN) % BLOCK !== 0) throw invalidToken();
  return { timestamp: data.readBigUInt64BE(1), data };
}

// As in Python, time is only checked when a TTL is asked for: credential
// columns use no TTL, and rejecting a token because the writer's clock ran
// ahead would make a stored secret unreadable here but not in Django.
function checkTime(timestamp: bigint, ttlSec: number | undefined, now: Date | undefined): void {
  if (ttlSec === undefined) return;
  // A NaN TTL would make every comparison false and silently disable expiry.
  if (!Number.isFinite(ttlSec)) throw new RangeError("Fernet: ttlSec must be a finite number");
  // Past 2^53 a timestamp loses precision, but it is then absurdly far in the
  // future either way, so the comparisons still come out right.
  const ts = Number(timestamp);
  const current = Number(toUnixSec(now ?? new Date()));
  if (ts + ttlSec < current) throw invalidToken();
  if (current + MAX_CLOCK_SKEW_SEC < ts) throw invalidToken();
}

interface KeyPair {
  readonly signing: Buffer;
  readonly encryption: Buffer;
}

function splitKey(key: Buffer): KeyPair {
  if (!Buffer.isBuffer(key) || key.length !== 32) {
    throw new FernetError("invalid_key", "Fernet key must be 32 bytes");
  }
  // Copies, so a caller zeroing or reusing its buffer cannot change our key.
  return { signing: Buffer.from(key.subarray(0, 16)), encryption: Buffer.from(key.subarray(16, 32)) };
}

function seal(key: KeyPair, plaintext: string | Buffer, timestamp: bigint, iv: Buffer = randomBytes(16)): string {
  if (iv.length !== 16) throw new RangeError("Fernet: IV must be 16 bytes");
  const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
  const cipher = createCipheriv("aes-128-cbc", key.encryption, iv);
  const header = Buffer.alloc(9);
  header[0] = VERSION;
  header.writeBigUInt64BE(timestamp, 1);
  const body = Buffer.concat([header, iv, cipher.update(data), cipher.final()]);
  const mac = createHmac("sha256", key.signing).update(body).digest();
  return b64urlEncode(Buffer.concat([body, mac]));
}

// Constant-time compare: a short-circuiting compare leaks how many MAC bytes
// matched, enough to forge a MAC byte by byte.
function macMatches(key: KeyPair, data: Buffer): boolean {
  const expected = createHmac("sha256", key.signing)
    .update(data.subarray(0, data.length - MAC_LEN))
    .digest();
  return timingSafeEqual(expected, data.subarray(data.length - MAC_LEN));
}

// Call only after macMatches: only authenticated ciphertext reaches AES, so a
// padding error cannot serve as a padding oracle (it still gets the same error).
function decryptVerified(key: KeyPair, data: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv("aes-128-cbc", key.encryption, data.subarray(9, HEADER_LEN));
    return Buffer.concat([decipher.update(data.subarray(HEADER_LEN, data.length - MAC_LEN)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Tries each key in order, like Python's MultiFernet; throws invalid_token if none works. */
function open(keys: readonly KeyPair[], data: Buffer): Buffer {
  for (const key of keys) {
    const plaintext = macMatches(key, data) ? decryptVerified(key, data) : undefined;
    if (plaintext !== undefined) return plaintext;
  }
  throw invalidToken();
}

function decodeUtf8(plaintext: Buffer): string {
  try {
    return utf8.decode(plaintext);
  } catch {
    throw invalidToken();
  }
}

export type EncryptOptions = { now?: Date; iv?: Buffer };
export type DecryptOptions = { ttlSec?: number; now?: Date };

export class Fernet {
  readonly #key: KeyPair;

  /** key: 32 bytes, signing key then AES-128 key. */
  constructor(key: Buffer) {
    this.#key = splitKey(key);
  }

  encrypt(plaintext: string | Buffer, opts: EncryptOptions = {}): string {
    return seal(this.#key, plaintext, toUnixSec(opts.now ?? new Date()), opts.iv);
  }

  decrypt(token: string, opts: DecryptOptions = {}): Buffer {
    const { timestamp, data } = parseToken(token);
    checkTime(timestamp, opts.ttlSec, opts.now);
    return open([this.#key], data);
  }

  decryptString(token: string, opts: DecryptOptions = {}): string {
    return decodeUtf8(this.decrypt(token, opts));
  }
}

export class MultiFernet {
  readonly #keys: readonly KeyPair[];
  readonly #primary: KeyPair;

  /** keys[0] is the primary (encrypting) key; the rest only decrypt, for rotation. */
  constructor(keys: readonly Buffer[]) {
    const [first, ...rest] = keys.map(splitKey);
    if (first === undefined) throw new FernetError("invalid_key", "MultiFernet needs at least one key");
    this.#primary = first;
    this.#keys = [first, ...rest];
  }

  encrypt(plaintext: string | Buffer, opts: EncryptOptions = {}): string {
    return seal(this.#primary, plaintext, toUnixSec(opts.now ?? new Date()), opts.iv);
  }

  decrypt(token: string, opts: DecryptOptions = {}): Buffer {
    const { timestamp, data } = parseToken(token);
    checkTime(timestamp, opts.ttlSec, opts.now);
    return open(this.#keys, data);
  }

  decryptString(token: string, opts: DecryptOptions = {}): string {
    return decodeUtf8(this.decrypt(token, opts));
  }

  /** Re-encrypt under the primary key keeping the original timestamp (Python's MultiFernet.rotate: no TTL check). */
  rotate(token: string): string {
    const { timestamp, data } = parseToken(token);
    return seal(this.#primary, open(this.#keys, data), timestamp);
  }

  /** True if the token fully verifies and decrypts under the primary key; false for anything else. */
  encryptsWithPrimary(token: string): boolean {
    try {
      open([this.#primary], parseToken(token).data);
      return true;
    } catch {
      return false;
    }
  }
}

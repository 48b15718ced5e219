import { describe, expect, it } from "vitest";
import { anchorFreshness, anchorKeyId, checkpointFault, checkpointMac, parseAnchorKeys, type Checkpoint } from "../../src/audit/audit-anchor.js";

const [CURRENT, PREVIOUS] = parseAnchorKeys(["pQ3k0v7mX2r9sT4wY6zA1bC8dE5fG0hJ2kL4mN6pR8s", "Zy9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE9dC8bA7zY6x"]) as [
  ReturnType<typeof parseAnchorKeys>[number],
  ReturnType<typeof parseAnchorKeys>[number],
];
const AT = new Date("2026-12-04T09:00:00.123Z");
const HASH = "a".repeat(64);

function signed(over: Partial<Checkpoint> = {}, key = CURRENT): Checkpoint {
  const base = { id: "1", chainSeq: 7n, rowHash: HASH, at: AT, keyId: key.id, ...over };
  return { ...base, hmac: over.hmac ?? checkpointMac(key.secret, base) };
}

describe("checkpointFault", () => {
  it("accepts a checkpoint signed by the current or a previous key", () => {
    expect(checkpointFault(signed(), [CURRENT, PREVIOUS])).toBeNull();
    expect(checkpointFault(signed({}, PREVIOUS), [CURRENT, PREVIOUS])).toBeNull();
  });

  // Each field is under the signature: change any one after signing and it no longer verifies.
  it.each([
    ["another seq", { chainSeq: 8n }],
    ["another row hash", { rowHash: "b".repeat(64) }],
    ["another time, even by a millisecond", { at: new Date(AT.getTime() + 1) }],
  ])("refuses %s", (_what, change) => {
    const genuine = signed();
    expect(checkpointFault({ ...genuine, ...change }, [CURRENT])).toBe("checkpoint signature invalid");
  });

  it.each([
    ["a key the verifier does not hold", signed({}, PREVIOUS), [CURRENT], "checkpoint signed by an unknown key"],
    ["a key id relabelled to the current key", { ...signed({}, PREVIOUS), keyId: CURRENT.id }, [CURRENT, PREVIOUS], "checkpoint signature invalid"],
    ["an hmac that is not hex", signed({ hmac: "z".repeat(64) }), [CURRENT], "checkpoint signature invalid"],
    ["a truncated hmac", signed({ hmac: "ab" }), [CURRENT], "checkpoint signature invalid"],
  ] as const)("refuses %s", (_what, c, keys, fault) => {
    expect(checkpointFault(c, keys)).toBe(fault);
  });
});

describe("anchorKeyId", () => {
  it("names a key without being its hash, and differs per key", () => {
    expect(CURRENT.id).toMatch(/^[0-9a-f]{16}$/);
    expect(CURRENT.id).not.toBe(PREVIOUS.id);
    expect(anchorKeyId(CURRENT.secret)).toBe(CURRENT.id);
  });
});

describe("anchorFreshness", () => {
  const MAX = 600_000;
  const cp = (chainSeq: bigint, at: Date, keyId = CURRENT.id) => ({ chainSeq, at, keyId });
  const later = (ms: number) => new Date(AT.getTime() + ms);
  it.each([
    [
      "the head is checkpointed: fresh however old",
      [cp(10n, AT)],
      10n,
      later(10 * MAX),
      { newest: { chainSeq: 10n, at: AT }, unanchoredRows: 0n, stale: false },
    ],
    [
      "rows after a recent checkpoint: waiting for the next one",
      [cp(8n, AT)],
      10n,
      later(MAX),
      { newest: { chainSeq: 8n, at: AT }, unanchoredRows: 2n, stale: false },
    ],
    ["rows after a checkpoint older than expected", [cp(8n, AT)], 10n, later(MAX + 1), { newest: { chainSeq: 8n, at: AT }, unanchoredRows: 2n, stale: true }],
    ["no checkpoint at all, rows exist", [], 3n, AT, { newest: null, unanchoredRows: 3n, stale: true }],
    ["an empty chain", [], 0n, AT, { newest: null, unanchoredRows: 0n, stale: false }],
    ["only a previous key's checkpoint covers the head", [cp(10n, AT, PREVIOUS.id)], 10n, AT, { newest: null, unanchoredRows: 10n, stale: true }],
    [
      "the newest of several wins",
      [cp(4n, later(-MAX * 3)), cp(9n, AT), cp(6n, later(-MAX))],
      9n,
      later(MAX * 5),
      { newest: { chainSeq: 9n, at: AT }, unanchoredRows: 0n, stale: false },
    ],
  ] as const)("%s", (_what, cps, headSeq, now, expected) => {
    expect(anchorFreshness(cps, CURRENT.id, headSeq, now, MAX)).toEqual(expected);
  });
});

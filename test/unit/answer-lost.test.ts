import pg from "pg";
import { describe, expect, it } from "vitest";
import { answerLost } from "../../src/db.js";

// Which failed statements the group commit writes once more (src/lib/group-commit.ts): only
// those whose connection broke while they waited, which may have committed all the same.

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("answerLost", () => {
  it.each([
    ["the connection ended while a statement waited", new Error("Connection terminated unexpectedly"), true],
    ["a reset", withCode("read ECONNRESET", "ECONNRESET"), true],
    ["a broken pipe", withCode("write EPIPE", "EPIPE"), true],
    ["an error Postgres sent (it did not commit)", new pg.DatabaseError("value too long for type character varying(60)", 0, "error"), false],
    ["a refused connection (nothing was sent)", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"), false],
    ["a connect timeout", new Error("Connection terminated due to connection timeout"), false],
    ["the client's query timeout (a second try would wait as long)", new Error("Query read timeout"), false],
    ["not an error", "boom", false],
  ])("%s", (_what, error, expected) => {
    expect(answerLost(error)).toBe(expected);
  });
});

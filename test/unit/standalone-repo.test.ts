import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// A clone must work with nothing beside it: no file the project runs, tests or links to may
// reach outside the repository (the team's ../shared folder exists on some machines only).

const root = fileURLToPath(new URL("../../", import.meta.url));
const SCANNED = ["src", "test", "scripts", "bench", "docs", "package.json", "README.md", "manifest.yml", "Dockerfile", "vitest.config.ts", "prisma.config.ts"];
const SKIP = new Set(["generated", "node_modules", "results", "fixtures"]);
const OUTSIDE = /\.\.\/(\.\.\/)*shared\/|shared\/(design|seed|test-vectors)\//;

function files(p: string): string[] {
  const abs = path.join(root, p);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return [p];
  return readdirSync(abs).flatMap((n) => (SKIP.has(n) ? [] : files(path.join(p, n))));
}

describe("the repository stands alone", () => {
  it("nothing in src, test, scripts, bench, docs, package.json or README reads or links ../shared", () => {
    const self = path.join("test", "unit", "standalone-repo.test.ts");
    const offenders = SCANNED.flatMap(files)
      .filter((f) => f !== self)
      .flatMap((f) =>
        readFileSync(path.join(root, f), "utf8")
          .split("\n")
          .map((line, i) => ({ f, i, line })),
      )
      .filter(({ line }) => OUTSIDE.test(line))
      .map(({ f, i, line }) => `${f}:${i + 1}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });

  it("every relative link in README.md and docs/ points at a file in the repository", () => {
    const broken: string[] = [];
    for (const doc of ["README.md", ...files("docs").filter((f) => f.endsWith(".md"))]) {
      const text = readFileSync(path.join(root, doc), "utf8");
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue;
        const resolved = path.resolve(path.dirname(path.join(root, doc)), target);
        if (!resolved.startsWith(root) || !existsSync(resolved)) broken.push(`${doc}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("keeps the Fernet vectors with their provenance", () => {
    for (const f of ["README.md", "generate.json", "invalid.json", "verify.json"]) expect(existsSync(path.join(root, "test/fixtures/fernet", f))).toBe(true);
    expect(readFileSync(path.join(root, "test/fixtures/fernet/README.md"), "utf8")).toMatch(/fernet\/spec/);
  });
});

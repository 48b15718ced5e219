#!/usr/bin/env node
// `npm run build`: compiles src/ (the generated Prisma client included) to dist/ with tsc and
// copies the files tsc does not emit (the sandbox page's static files). Production starts from
// dist/ with plain `node`, so nothing from devDependencies is needed at run time.
// Writes dist/.build-stamp last, so a build that failed half-way is never taken as fresh.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dist = path.join(root, "dist");

if (!existsSync(path.join(root, "src/generated/prisma/client.ts"))) {
  console.error("build: src/generated/prisma is missing; run `npm run generate` (or `node scripts/setup.mjs`) first");
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc", { paths: [root] });
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });

// Static assets read at run time relative to their module (import.meta.url).
const page = path.join(root, "src/sandbox/page");
for (const name of readdirSync(page)) {
  if (name.endsWith(".d.ts") || !statSync(path.join(page, name)).isFile()) continue;
  cpSync(path.join(page, name), path.join(dist, "sandbox/page", name));
}

writeFileSync(path.join(dist, ".build-stamp"), `${new Date().toISOString()}\n`);
console.log("build: compiled to dist/ (start with `node dist/main.js`)");

#!/usr/bin/env node
// Makes a checkout runnable with no manual steps (plain Node, no dependencies):
// installs packages when node_modules is missing or stale, generates the Prisma client,
// and starts the local Postgres cluster if it is installed but not running.
//   --build        also compiles to dist/ when dist/ is missing or older than its sources
//   --migrate      also creates the database and applies migrations
//   --run <tool>   then runs src/cli/<tool> (compiled from dist/ in production, with tsx in
//                  development), passing the remaining arguments through
// With NODE_ENV=production (from the environment or .env) it never installs dev dependencies,
// never generates and never needs tsx: everything runs from the compiled dist/.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { parseEnv } from "node:util";
import net from "node:net";

const root = new URL("..", import.meta.url).pathname;
const run = (cmd, args, env = {}) => execFileSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
const argv = process.argv.slice(2);
const runAt = argv.indexOf("--run");
const tool = runAt >= 0 ? argv[runAt + 1] : undefined;
const toolArgs = runAt >= 0 ? argv.slice(runAt + 2) : [];
const flag = (name) => argv.slice(0, runAt >= 0 ? runAt : argv.length).includes(name);

// The bot and the tools read .env themselves (src/config.ts, the real environment wins); read
// it here too, without exporting it, so NODE_ENV and DATABASE_URL mean the same thing to all.
const dotenv = existsSync(`${root}.env`) ? parseEnv(readFileSync(`${root}.env`, "utf8")) : {};
const env = (name) => process.env[name] ?? dotenv[name];
const production = env("NODE_ENV") === "production";

const lock = `${root}package-lock.json`;
const installed = `${root}node_modules/.package-lock.json`;
const hasDevDeps = existsSync(`${root}node_modules/typescript/package.json`) && existsSync(`${root}node_modules/tsx/package.json`);
if (!existsSync(installed) || mtime(lock) > mtime(installed) || (!production && !hasDevDeps)) {
  console.log(`setup: installing packages (npm ci${production ? " --omit=dev" : ""})…`);
  run("npm", ["ci", "--no-audit", "--no-fund", ...(production ? ["--omit=dev"] : [])]);
}
const canBuild = existsSync(`${root}node_modules/typescript/package.json`) && existsSync(`${root}src/main.ts`);

const generated = `${root}src/generated/prisma/client.ts`;
const schema = `${root}prisma/schema.prisma`;
if (canBuild && existsSync(schema) && (!existsSync(generated) || mtime(schema) > mtime(generated))) {
  console.log("setup: generating the Prisma client…");
  // `prisma generate` never runs the schema engine, but insists that one exists; where it
  // cannot be downloaded, any existing file will do.
  run("npx", ["prisma", "generate"], { PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath });
}

const url = new URL(env("DATABASE_URL") || "postgresql://postgres@localhost:5432/wavelaunch");
const local = ["localhost", "127.0.0.1", "::1", "[::1]"].includes(url.hostname);
if (local && !(await reachable(url.hostname.replace(/[[\]]/g, ""), Number(url.port || 5432)))) {
  const versions = existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql") : [];
  if (versions.length > 0) {
    console.log(`setup: starting the local Postgres ${versions[0]} cluster…`);
    spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", versions[0], "main", "start"], { stdio: "inherit" });
    for (let i = 0; i < 50 && !(await reachable(url.hostname, Number(url.port || 5432))); i++) await new Promise((r) => setTimeout(r, 200));
  }
}

if (flag("--build") && buildIsStale()) {
  if (canBuild) {
    console.log(existsSync(`${root}dist/.build-stamp`) ? "setup: sources changed since the last build; rebuilding dist/…" : "setup: building dist/…");
    run(process.execPath, ["scripts/build.mjs"]);
  } else if (!existsSync(`${root}dist/main.js`)) {
    fail(
      "dist/ is missing and cannot be built here (no TypeScript: dev dependencies were omitted). Build with `npm run build` before `npm ci --omit=dev`, or use the Docker image.",
    );
  } else {
    console.warn("setup: dist/ is older than src/, but TypeScript is not installed here; starting the existing build");
  }
}

if (flag("--migrate")) run(...toolCommand("migrate", []));
if (tool) {
  const [cmd, args] = toolCommand(tool, toolArgs);
  const child = spawn(cmd, args, { cwd: root, stdio: "inherit" });
  for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Compiled when running in production or when the build is current; tsx otherwise. */
function toolCommand(name, args) {
  if (!/^[a-z-]+$/.test(name)) fail(`unknown tool ${name}`);
  const compiled = `${root}dist/cli/${name}.js`;
  const tsxInstalled = existsSync(`${root}node_modules/tsx/package.json`);
  if (production || !tsxInstalled || (existsSync(compiled) && !buildIsStale())) {
    if (!existsSync(compiled)) fail(`dist/cli/${name}.js is missing: run \`npm run build\` first`);
    return [process.execPath, [compiled, ...args]];
  }
  return [process.execPath, ["--import", "tsx", `src/cli/${name}.ts`, ...args]];
}

/** dist/ is stale when missing, or older than anything it is built from. */
function buildIsStale() {
  const stamp = mtime(`${root}dist/.build-stamp`);
  if (!stamp) return true;
  if (!existsSync(`${root}src`)) return false; // a runtime image: dist/ is all there is
  const inputs = [`${root}tsconfig.json`, `${root}tsconfig.build.json`, lock, schema, `${root}scripts/build.mjs`];
  return inputs.some((p) => mtime(p) > stamp) || newestUnder(`${root}src`) > stamp;
}

function newestUnder(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    newest = Math.max(newest, e.isDirectory() ? newestUnder(p) : mtime(p));
  }
  return newest;
}

function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

function reachable(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 1000 }, () => {
      s.end();
      resolve(true);
    });
    s.on("error", () => resolve(false));
    s.on("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });
}

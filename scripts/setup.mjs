#!/usr/bin/env node
// Makes a fresh checkout runnable with no manual steps (plain Node, no dependencies):
// installs packages when node_modules is missing or stale, generates the Prisma client,
// and starts the local Postgres cluster if it is installed but not running.
// `--migrate` also creates the database and applies migrations.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import net from "node:net";

const root = new URL("..", import.meta.url).pathname;
const run = (cmd, args, env = {}) => execFileSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

const lock = `${root}package-lock.json`;
const installed = `${root}node_modules/.package-lock.json`;
if (!existsSync(installed) || mtime(lock) > mtime(installed)) {
  console.log("setup: installing packages (npm ci)…");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

const generated = `${root}src/generated/prisma/client.ts`;
if (!existsSync(generated) || mtime(`${root}prisma/schema.prisma`) > mtime(generated)) {
  console.log("setup: generating the Prisma client…");
  // `prisma generate` never runs the schema engine, but insists that one exists; where it
  // cannot be downloaded, any existing file will do.
  run("npx", ["prisma", "generate"], { PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath });
}

const url = new URL(process.env.DATABASE_URL || "postgresql://postgres@localhost:5432/wavelaunch");
const local = ["localhost", "127.0.0.1", "::1", "[::1]"].includes(url.hostname);
if (local && !(await reachable(url.hostname.replace(/[[\]]/g, ""), Number(url.port || 5432)))) {
  const versions = existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql") : [];
  if (versions.length > 0) {
    console.log(`setup: starting the local Postgres ${versions[0]} cluster…`);
    spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", versions[0], "main", "start"], { stdio: "inherit" });
    for (let i = 0; i < 50 && !(await reachable(url.hostname, Number(url.port || 5432))); i++) await new Promise((r) => setTimeout(r, 200));
  }
}

if (process.argv.includes("--migrate")) run("npx", ["tsx", "scripts/migrate.ts"]);

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

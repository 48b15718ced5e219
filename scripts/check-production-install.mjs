#!/usr/bin/env node
// CI step: the production install starts. Lays out a temp dir exactly as the Dockerfile's
// runtime stage does (package files, dist/, prisma/migrations/, scripts/setup.mjs), installs
// with `npm ci --omit=dev --omit=optional`, checks that no dev tool came along, then with NODE_ENV=production
// runs the operator tools from compiled code (migrate, audit:verify, keys:rotate --dry-run),
// starts `node dist/main.js` against a real Postgres database and a stand-in Slack Web API,
// waits for GET /healthz to answer 200, and stops it with SIGTERM.
// Needs a built dist/ (`npm run build`) and Postgres on 127.0.0.1:5432 (trust auth).
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dbName = `wl_prodcheck_${process.pid}`;
const adminUrl = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
// Production's two roles (README, "Database roles"): the owner migrates, the bot serves as a
// limited app role. Created here as the README tells an operator to, once, as a superuser.
const ownerRole = `${dbName}_owner`;
const appRole = `${dbName}_app`;
const urlAs = (user) => Object.assign(new URL(adminUrl), { pathname: `/${dbName}`, username: user, password: "" }).toString();
const ownerUrl = urlAs(ownerRole);
const databaseUrl = urlAs(appRole);
// The Dockerfile's runtime install. --omit=optional also drops typescript and prisma, which
// plain --omit=dev keeps as @prisma/client's optional peers (nothing at run time needs them).
const OMIT = ["--omit=dev", "--omit=optional"];
const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const ANCHOR_KEY = "CMMyeqyrIC_VEZESEs-vNesAhkUUd2NnjBw3h8HxNys";

if (!existsSync(path.join(root, "dist/.build-stamp"))) {
  console.error("check: dist/ is not built; run `npm run build` first");
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), "wl-prod-"));
const slack = await fakeSlack();
let bot;
try {
  for (const p of ["package.json", "package-lock.json", "dist", "prisma/migrations", "scripts/setup.mjs"]) {
    cpSync(path.join(root, p), path.join(dir, p), { recursive: true });
  }
  step(`npm ci ${OMIT.join(" ")}`);
  execFileSync("npm", ["ci", ...OMIT, "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: dir,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  const devTools = ["tsx", "typescript", "vitest", "prisma"].filter((m) => existsSync(path.join(dir, "node_modules", m)));
  if (devTools.length) throw new Error(`dev dependencies present after ${OMIT.join(" ")}: ${devTools.join(", ")}`);

  step("roles and database, as the README's production set-up makes them");
  psql(`CREATE ROLE "${ownerRole}" LOGIN`);
  psql(`CREATE ROLE "${appRole}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
  psql(`CREATE DATABASE "${dbName}" OWNER "${ownerRole}"`);
  psql(`GRANT CONNECT ON DATABASE "${dbName}" TO "${appRole}"`);
  const env = { ...cleanEnv(), NODE_ENV: "production", DATABASE_URL: databaseUrl, FIELD_ENCRYPTION_KEY: KEY, AUDIT_ANCHOR_KEY: ANCHOR_KEY };
  step("npm run db:migrate (compiled, NODE_ENV=production, as the owner)");
  execFileSync("npm", ["run", "db:migrate"], { cwd: dir, stdio: "inherit", env: { ...env, MIGRATION_DATABASE_URL: ownerUrl } });
  step("npm run audit:verify");
  execFileSync("npm", ["run", "audit:verify"], { cwd: dir, stdio: "inherit", env });
  step("npm run keys:rotate -- --dry-run");
  execFileSync("npm", ["run", "keys:rotate", "--", "--dry-run"], { cwd: dir, stdio: "inherit", env });

  step("node dist/main.js (NODE_ENV=production)");
  const port = await freePort();
  bot = spawn(process.execPath, ["dist/main.js"], {
    cwd: dir,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...env,
      SLACK_BOT_TOKEN: "xoxb-prod-check",
      SLACK_SIGNING_SECRET: "prod-check-signing-secret",
      SLACK_API_URL: slack.url,
      PORT: String(port),
      LOG_LEVEL: "warn",
    },
  });
  const exited = new Promise((resolve) => bot.once("exit", (code, signal) => resolve({ code, signal })));
  const status = await waitForHealth(`http://127.0.0.1:${port}/healthz`, exited);
  if (status !== 200) throw new Error(`/healthz answered ${status}`);
  console.log("check: /healthz answered 200");
  bot.kill("SIGTERM");
  const end = await Promise.race([exited, sleep(15_000).then(() => null)]);
  if (!end) throw new Error("the bot did not exit within 15 s of SIGTERM");
  if (end.code !== 0) throw new Error(`the bot exited with ${JSON.stringify(end)} after SIGTERM`);
  bot = undefined;
  console.log("check: production install OK (no dev dependencies, compiled tools ran, /healthz 200, clean SIGTERM exit)");
} catch (e) {
  console.error(`check: FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  bot?.kill("SIGKILL");
  slack.server.close();
  rmSync(dir, { recursive: true, force: true });
  try {
    psql(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    psql(`DROP ROLE IF EXISTS "${appRole}"`);
    psql(`DROP ROLE IF EXISTS "${ownerRole}"`);
  } catch {
    console.error(`check: could not drop ${dbName} or its roles`);
  }
}

function psql(sql) {
  execFileSync("psql", [adminUrl, "-v", "ON_ERROR_STOP=1", "-qc", sql], { stdio: "inherit" });
}

function step(what) {
  console.log(`\ncheck: ${what}`);
}

/** The parent's environment minus anything that would configure the bot differently. */
function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(SLACK_|ANTHROPIC_|DIGEST_|REVEAL_|APPROVALS_|ADMIN_SLACK|DATABASE_URL|MIGRATION_DATABASE_URL|AUDIT_|FIELD_ENCRYPTION|PORT$|NODE_OPTIONS)/.test(k))
      delete env[k];
  return env;
}

/** Answers every Web API method with ok (auth.test included), as a healthy Slack would. */
function fakeSlack() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, user_id: "UBOTCHECK", bot_id: "BBOTCHECK", team_id: "TCHECK" }));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/api/` })));
}

function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, exited) {
  let done = null;
  void exited.then((e) => (done = e));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (done) throw new Error(`the bot exited before answering /healthz: ${JSON.stringify(done)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return 200;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error("no answer from /healthz within 60 s");
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

# syntax=docker/dockerfile:1
# The bot's production image: built with dev dependencies, run with production ones only.
#   docker build -t wavelaunch-bot .
#   docker run --rm --env-file .env wavelaunch-bot node dist/cli/migrate.js   # once per release
#   docker run -d --env-file .env -p 3000:3000 wavelaunch-bot
# Needs NODE_ENV=production's variables (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or
# SLACK_APP_TOKEN, FIELD_ENCRYPTION_KEY, DATABASE_URL); see .env.example.
ARG NODE_VERSION=20

# ---- build: compile src/ (and the generated Prisma client) to dist/ ----
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
# `prisma generate` never runs the schema engine but wants one to exist; node will do.
RUN PRISMA_SCHEMA_ENGINE_BINARY="$(command -v node)" npx prisma generate \
 && node scripts/build.mjs

# ---- runtime: production dependencies and compiled code only ----
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional also drops typescript and prisma, which --omit=dev alone keeps as
# @prisma/client's optional peers; nothing at run time needs them.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The migration runner (dist/cli/migrate.js) reads these; setup.mjs lets `npm run db:migrate`,
# `npm run keys:rotate` and `npm run audit:verify` work in the container too.
COPY prisma/migrations ./prisma/migrations
COPY scripts/setup.mjs ./scripts/setup.mjs
# Code and packages stay root-owned and read-only to the process.
USER node
EXPOSE 3000
# Liveness on /healthz (PORT; in Socket Mode the ops server's OPS_PORT), with node since the slim image has no curl. /healthz
# answers 503 within about a second when the database does not answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + ((process.env.SLACK_APP_TOKEN && process.env.OPS_PORT) || process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

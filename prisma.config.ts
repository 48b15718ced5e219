import { defineConfig } from "prisma/config";

// `prisma migrate deploy` (where the schema engine exists) reads DATABASE_URL;
// here migrations are applied by src/cli/migrate.ts (dist/cli/migrate.js when built) instead.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@localhost:5432/wavelaunch" },
});

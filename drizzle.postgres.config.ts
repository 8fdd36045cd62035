import { defineConfig } from "drizzle-kit";

// Migrations are generated from the schema and committed; `openPostgresStore` applies them at
// start, under an advisory lock (src/store/postgres/migrate.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/postgres/schema.ts",
  out: "./drizzle/postgres",
});

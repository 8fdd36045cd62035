import { defineConfig } from "drizzle-kit";

// Migrations are generated from the schema and committed; `openSqliteStore` applies them at start.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema.ts",
  out: "./drizzle/sqlite",
});

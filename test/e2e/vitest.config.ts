import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * End-to-end suite: the built server (`node build/server.js`) as a child process on a fresh SQLite
 * file, driven by a real Chromium through playwright-core, with axe-core on every page.
 * `npm run test:e2e` builds first, then runs this config.
 *
 * No setupFiles: test/support/setup.ts rewrites process.env for in-process tests; the child server
 * and the create-staff script get their own explicit environment instead (test/e2e/support/portal.ts).
 */
export default defineConfig({
  root,
  resolve: {
    alias: {
      "~": path.resolve(root, "app"),
      "#db": path.resolve(root, "db"),
    },
  },
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    // A journey drives a real browser through dozens of pages and may wait for the next 30-second
    // TOTP step: generous limits, and never a timing assertion.
    testTimeout: 240_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});

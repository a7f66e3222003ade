/**
 * The production HTTP server: Express around the Remix build (security headers, CSRF origin check,
 * request logs, static files), migrations at start-up, graceful shutdown. Bundled to
 * build/server.js by `npm run build`; `npm start` runs it.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { startServer } from "~/http/server";
import { getEnv } from "~/utils/env.server";

const here = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  const env = getEnv();
  const build = (await import(path.join(here, "index.js"))) as ServerBuild & { entry: { module: { periodicWork?: (db: unknown) => Promise<void> } } };
  const tick = build.entry.module.periodicWork as ((db: unknown) => Promise<void>) | undefined;
  await startServer({ env, build, publicDir: path.join(here, "..", "public"), tick: tick as never });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

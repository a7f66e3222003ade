import type { LoaderFunctionArgs } from "@remix-run/node";
import { checkReadiness } from "~/modules/ops/readiness.server";

/**
 * Readiness: the database answers and its migrations are this code's; 503 with the reason otherwise,
 * and from the moment shutdown begins (docs/operations.md). Liveness is /healthz.
 */
export async function loader({ context }: LoaderFunctionArgs) {
  const result = await checkReadiness(context.db, { shuttingDown: context.shuttingDown?.() ?? false });
  const body = result.ready ? { status: "ready" } : { status: "not_ready", reason: result.reason, ...(result.detail ? { detail: result.detail } : {}) };
  return new Response(JSON.stringify(body), {
    status: result.ready ? 200 : 503,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
}

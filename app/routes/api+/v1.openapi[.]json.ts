import { openApiDocument } from "~/modules/api/openapi.server";

/** GET /api/v1/openapi.json – public: the API's description, generated from its schemas. */
export function loader() {
  return new Response(JSON.stringify(openApiDocument(), null, 2), { headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=300" } });
}

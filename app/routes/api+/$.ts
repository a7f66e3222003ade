import { problemResponse, ApiProblem } from "~/modules/api/problem.server";

/** Anything else under /api answers a problem, never the portal's HTML 404 page. */
export function loader() {
  return problemResponse(new ApiProblem("not_found"));
}

export function action() {
  return problemResponse(new ApiProblem("not_found"));
}

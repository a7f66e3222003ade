import type { ShouldRevalidateFunction } from "@remix-run/react";

/**
 * For pages whose forms carry the version they were loaded with (ADR 18). Remix does not read the
 * page's data again after an action answered 4xx; after a conflict (409) it must, so that the form
 * then carries the current version and shows, beside the person's kept input, that someone else
 * changed the record: the same as the page a browser without JavaScript gets.
 */
export const revalidateAfterConflict: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => actionStatus === 409 || defaultShouldRevalidate;

/** Limits shared by the feed service and the API's schemas. */
export const MAX_CHANGES_PAGE = 10_000;
export const MAX_MATCH_BATCH = 10_000;

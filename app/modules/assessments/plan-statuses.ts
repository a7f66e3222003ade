export const PLAN_STATUSES_LIST = ["open", "in_progress", "done", "dropped"] as const;

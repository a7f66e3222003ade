/**
 * Collaborative actions: the kinds, statuses and outcome figures, shared by the forms (browser) and
 * the services (server). See docs/decisions/0014-collaborative-actions.md.
 */
import type { CollabConfirmation } from "#db/schema";

export const ACTION_TYPES = ["training", "awareness", "donation", "hotline_referral", "takedown", "consultation", "research", "event", "other"] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const ACTION_STATUSES = ["planned", "in_progress", "done", "cancelled"] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const CONFIRMATIONS = ["none", "requested", "changes_requested", "confirmed"] as const satisfies readonly CollabConfirmation[];

export const CURRENCIES = ["SEK", "EUR", "USD", "NOK", "DKK", "GBP"] as const;

export const FIGURES = ["peopleTrained", "reach", "amount", "reportsHandled", "itemsTakenDown"] as const;
export type Figure = (typeof FIGURES)[number];

/** The outcome figures that fit each kind of action; others are refused. */
export const FIGURES_BY_TYPE: Record<ActionType, readonly Figure[]> = {
  training: ["peopleTrained"],
  awareness: ["reach"],
  donation: ["amount"],
  hotline_referral: ["reportsHandled"],
  takedown: ["reportsHandled", "itemsTakenDown"],
  consultation: ["peopleTrained", "reach"],
  research: ["reach"],
  event: ["peopleTrained", "reach"],
  other: FIGURES,
};

export const MAX_LINKS = 10;
export const MAX_FILES_PER_ACTION = 20;

export interface ActionContent {
  type: ActionType;
  title: string;
  startsOn: string;
  endsOn: string | null;
  description: string;
  peopleCompany: string | null;
  peopleNgo: string | null;
  peopleTrained: number | null;
  reach: number | null;
  amount: number | null;
  currency: string | null;
  reportsHandled: number | null;
  itemsTakenDown: number | null;
  status: ActionStatus;
  links: string[];
}

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/**
 * What is wrong with an action's content beyond each field's own shape, as field → error code: the
 * dates out of order, figures that do not fit the type, an amount without its currency. The form's
 * schema and the service both ask (the service is the authority).
 */
export function actionProblems(content: Pick<ActionContent, "type" | "startsOn" | "endsOn" | "currency" | Figure>): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!isDate(content.startsOn)) problems.startsOn = "invalid_date";
  if (content.endsOn !== null && !isDate(content.endsOn)) problems.endsOn = "invalid_date";
  else if (content.endsOn !== null && content.endsOn < content.startsOn) problems.endsOn = "collab_dates_order";
  const fitting = FIGURES_BY_TYPE[content.type] ?? [];
  for (const figure of FIGURES) {
    const value = content[figure];
    if (value === null || value === undefined) continue;
    if (!Number.isInteger(value) || value < 0) problems[figure] = "too_small_number:0";
    else if (!fitting.includes(figure)) problems[figure] = "collab_figure_not_for_type";
  }
  if (content.amount !== null && content.amount !== undefined && !content.currency) problems.currency = "collab_currency_required";
  if (content.currency && !(CURRENCIES as readonly string[]).includes(content.currency)) problems.currency = "invalid_choice";
  return problems;
}

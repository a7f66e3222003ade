import type { ActionContent } from "~/modules/collaboration/collaboration.server";

/** A collaborative action's content: a two-day training, planned; override what a test needs. */
export const training = (over: Partial<ActionContent> = {}): ActionContent => ({
  type: "training",
  title: "Utbildning för kundtjänst",
  startsOn: "2026-03-02",
  endsOn: "2026-03-03",
  description: "Två halvdagar om att känna igen och rapportera misstänkt övergreppsmaterial.",
  peopleCompany: "Kundtjänstens 40 medarbetare",
  peopleNgo: "Två utbildare",
  peopleTrained: 38,
  reach: null,
  amount: null,
  currency: null,
  reportsHandled: null,
  itemsTakenDown: null,
  status: "planned",
  links: ["https://example.org/program"],
  ...over,
});

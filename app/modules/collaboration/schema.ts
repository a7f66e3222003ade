import { many, optionalText, text, z } from "~/utils/zod";
import { ACTION_STATUSES, ACTION_TYPES, actionProblems, CONFIRMATIONS, CURRENCIES, MAX_LINKS, type ActionContent } from "./types";

const date = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, "invalid_date");
const optionalDate = z.preprocess((v) => (v === "" ? undefined : v), date.optional());
/** A count or sum: a whole number ≥ 0, or nothing. */
const figure = z.preprocess((v) => (v === "" || v === null ? undefined : typeof v === "string" ? v.replace(/[\s\u00a0]/g, "") : v), z.coerce.number().int().min(0).max(1_000_000_000_000).optional());
const url = z.url({ protocol: /^https?$/ });

/** One action's content as the form sends it; cross-field rules from actionProblems(). */
export const actionFields = z
  .object({
    type: z.enum(ACTION_TYPES),
    title: text(200),
    startsOn: date,
    endsOn: optionalDate,
    description: text(8000),
    peopleCompany: optionalText(1000),
    peopleNgo: optionalText(1000),
    peopleTrained: figure,
    reach: figure,
    amount: figure,
    currency: z.preprocess((v) => (v === "" ? undefined : v), z.enum(CURRENCIES).optional()),
    reportsHandled: figure,
    itemsTakenDown: figure,
    status: z.enum(ACTION_STATUSES),
    /** One address per line. */
    links: z
      .string()
      .max(20_000)
      .optional()
      .transform((v) => (v ?? "").split(/\r?\n/).map((l) => l.trim()).filter(Boolean))
      .pipe(z.array(z.string().max(2000).pipe(url)).max(MAX_LINKS)),
    targets: many(z.string().min(1).max(200)).pipe(z.array(z.string()).max(50)),
  })
  .superRefine((v, ctx) => {
    for (const [path, message] of Object.entries(actionProblems(toContent(v)))) ctx.addIssue({ code: "custom", path: [path], message });
  });

export type ActionFields = z.infer<typeof actionFields>;

/** Form values → the service's content (absent optional values are null). */
export function toContent(v: Omit<ActionFields, "targets">): ActionContent {
  return {
    type: v.type,
    title: v.title,
    startsOn: v.startsOn,
    endsOn: v.endsOn ?? null,
    description: v.description,
    peopleCompany: v.peopleCompany ?? null,
    peopleNgo: v.peopleNgo ?? null,
    peopleTrained: v.peopleTrained ?? null,
    reach: v.reach ?? null,
    amount: v.amount ?? null,
    currency: v.currency ?? null,
    reportsHandled: v.reportsHandled ?? null,
    itemsTakenDown: v.itemsTakenDown ?? null,
    status: v.status,
    links: v.links,
  };
}

export const editActionSchema = z.intersection(actionFields, z.object({ baseRevision: z.coerce.number().int().min(1) }));
export const staffNewActionSchema = z.intersection(actionFields, z.object({ organisationId: z.string().min(1).max(64) }));

const body = text(4000);

/** The detail page's forms (company side). */
export const companyDetailSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("request"), revision: z.coerce.number().int().min(1) }),
  z.object({ intent: z.literal("comment"), body }),
  z.object({ intent: z.literal("file") }),
  z.object({ intent: z.literal("remove_file"), fileId: z.string().min(1).max(64) }),
]);

/** The detail page's forms (NGO side). */
export const staffDetailSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("confirm"), revision: z.coerce.number().int().min(1), body: optionalText(4000) }),
  z.object({ intent: z.literal("ask_changes"), revision: z.coerce.number().int().min(1), body }),
  z.object({ intent: z.literal("comment"), body }),
]);

/** The list filters (query string): anything unknown is ignored, not an error. */
export const listFilterSchema = z.object({
  type: z.enum(ACTION_TYPES).optional().catch(undefined),
  status: z.enum(ACTION_STATUSES).optional().catch(undefined),
  confirmation: z.enum(CONFIRMATIONS).optional().catch(undefined),
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined).transform((v) => (v ? v : undefined)),
  organisationId: z.string().max(64).optional().catch(undefined).transform((v) => (v ? v : undefined)),
  after: z.string().max(100).optional().catch(undefined),
});
export type ListFilter = z.infer<typeof listFilterSchema>;

export function parseListFilter(url: URL): ListFilter {
  return listFilterSchema.parse(Object.fromEntries(url.searchParams));
}

/** The year a page asks for (?year=YYYY), this year when it asks for none or nonsense. */
export function yearParam(url: URL): number {
  const asked = Number(url.searchParams.get("year"));
  return Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : new Date().getUTCFullYear();
}

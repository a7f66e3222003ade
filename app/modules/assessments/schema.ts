import { INDUSTRIES } from "~/modules/organisations/schema";
import { PLAN_STATUSES_LIST } from "./plan-statuses";
import { many, text, z } from "~/utils/zod";

export const startAssessmentSchema = z.object({
  intent: z.literal("start"),
  year: z.coerce.number().int().min(2000).max(2100),
  extraModules: many(z.enum(INDUSTRIES)),
});

export const reviewSchema = z.object({
  decision: z.enum(["approve", "return"]),
  summary: z.string().trim().max(4000).optional(),
});

export const commentSchema = z.object({
  intent: z.literal("comment"),
  questionId: z.string().max(120).optional(),
  body: text(4000),
});

export const planItemSchema = z.object({
  intent: z.literal("add"),
  action: text(1000),
  ownerUserId: z.string().max(64).optional(),
  dueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export const planUpdateSchema = z.object({
  intent: z.literal("update"),
  itemId: z.string().min(1).max(64),
  baseVersion: z.coerce.number().int().min(1),
  action: text(1000),
  ownerUserId: z.string().max(64).optional(),
  dueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  status: z.enum(PLAN_STATUSES_LIST),
});

export const planNoteSchema = z.object({ intent: z.literal("note"), itemId: z.string().min(1).max(64), body: text(4000) });

export const planFromGapsSchema = z.object({ intent: z.literal("from_gaps"), assessmentId: z.string().min(1).max(64) });

export const planActionSchema = z.discriminatedUnion("intent", [planItemSchema, planUpdateSchema, planNoteSchema, planFromGapsSchema]);

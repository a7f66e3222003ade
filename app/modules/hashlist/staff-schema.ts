/**
 * The staff hash-list forms, validated by the same schemas in the browser and in the actions.
 */
import { many, optionalText, text, z } from "~/utils/zod";
import { ALGORITHMS, SOURCE_MAX_LENGTH } from "./values";

export const LIST_SLUG = /^[a-z0-9-]{2,40}$/;

export const createListSchema = z.object({
  intent: z.literal("create"),
  slug: z.string().trim().min(1).regex(LIST_SLUG, "list_slug_invalid"),
  nameSv: text(200),
  nameEn: text(200),
  descriptionSv: optionalText(2000),
  descriptionEn: optionalText(2000),
});

/** One entry struck from a list by hand: its algorithm and value (checked by parseValue on the server). */
export const removeEntrySchema = z.object({
  intent: z.literal("remove_entry"),
  algorithm: z.enum(ALGORITHMS),
  value: text(400),
});

/** The fields of an upload, sent before its file (multipart/form-data). */
export const uploadFieldsSchema = z.object({
  intent: z.literal("import"),
  mode: z.enum(["add", "remove"]),
  source: optionalText(SOURCE_MAX_LENGTH),
});
export type UploadFields = z.infer<typeof uploadFieldsSchema>;

/** The staff organisation page's hash-list grants: the ids of the lists, none to revoke all. */
export const grantListsSchema = z.object({
  intent: z.literal("grant_lists"),
  lists: many(z.coerce.number().int().positive()),
  /** The grants version the form was loaded with: a stale save is a conflict. */
  baseVersion: z.coerce.number().int().min(1),
});

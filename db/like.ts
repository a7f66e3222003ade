import { sql, type Expression, type SqlBool } from "kysely";

/**
 * Portable, literal LIKE matching: user text never acts as a wildcard. `!` is the escape character
 * because a backslash literal is written differently on SQLite and MySQL.
 */
export function like(column: string, text: string, mode: "contains" | "prefix" = "contains"): Expression<SqlBool> {
  const escaped = text.replace(/[!%_]/g, (c) => `!${c}`);
  const pattern = mode === "contains" ? `%${escaped}%` : `${escaped}%`;
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '!'`;
}

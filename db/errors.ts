/** A write refused because a unique key already exists (both engines). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "ER_DUP_ENTRY";
}

/**
 * A transaction the database gave up on because another held what it needed: a deadlock InnoDB broke
 * by rolling this one back, a lock wait that timed out, or SQLite busy past its timeout. Nothing of
 * it was written; trying again later may well succeed.
 */
export function isLockConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ER_LOCK_DEADLOCK" || code === "ER_LOCK_WAIT_TIMEOUT" || (typeof code === "string" && code.startsWith("SQLITE_BUSY"));
}

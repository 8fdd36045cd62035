/**
 * PostgreSQL errors recognised by SQLSTATE code and constraint name, never by message text (the
 * text changes with the server's version and `lc_messages`).
 */
import { DatabaseError } from "pg";

/** SQLSTATE classes the store reacts to. */
export const sqlState = {
  uniqueViolation: "23505",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
} as const;

/** The driver's error behind `error`: drizzle wraps it in a DrizzleQueryError (`cause`). */
export function databaseErrorOf(error: unknown): DatabaseError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof DatabaseError) {
      return current;
    }
    current = current.cause;
  }
  return null;
}

/**
 * Runs `statement`, throwing the driver's error rather than drizzle's wrapper of it: its message
 * names the violated constraint ("duplicate key value violates unique constraint …"), where
 * drizzle's repeats the statement and its parameters (a key's hash, say) into the log.
 */
export async function withDriverErrors<T>(statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    throw databaseErrorOf(error) ?? error;
  }
}

/** Whether `error` is a unique violation of the named constraint or unique index. */
export function violatesUnique(error: unknown, constraint: string): boolean {
  const cause = databaseErrorOf(error);
  return cause?.code === sqlState.uniqueViolation && cause.constraint === constraint;
}

/**
 * Whether the transaction lost a race PostgreSQL resolved by aborting it (a serialization failure
 * or a deadlock): running it again from the start is safe and is what PostgreSQL asks for.
 */
export function isRetryableConflict(error: unknown): boolean {
  const code = databaseErrorOf(error)?.code;
  return code === sqlState.serializationFailure || code === sqlState.deadlockDetected;
}

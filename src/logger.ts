/** Structured JSON logs, one object per line, to stdout (errors to stderr). */
import { type Clock, systemClock } from "./clock.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger that writes JSON lines at or above `level`, each stamped with `clock`'s time. */
export function createJsonLogger(
  level: LogLevel,
  clock: Clock = systemClock,
  base: LogFields = {},
): Logger {
  const write = (at: LogLevel, message: string, fields?: LogFields) => {
    if (rank[at] < rank[level]) {
      return;
    }
    const line = JSON.stringify({
      time: clock().toISOString(),
      level: at,
      message,
      ...base,
      ...fields,
    });
    (at === "error" ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
  };
}

/** An error as a log field: its stack where it has one. */
export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** For tests that assert nothing about logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Declares a block only for the carriers it applies to, rather than as a skipped test. */
import { describe, it } from "vitest";

export function describeIf(applies: boolean, name: string, body: () => void): void {
  if (applies) {
    describe(name, body);
  }
}

export function itIf(applies: boolean, name: string, test: () => Promise<void>): void {
  if (applies) {
    it(name, test);
  }
}

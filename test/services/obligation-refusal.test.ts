import { describe, expect, it } from "vitest";
import { forbidden, invalid } from "../../src/domain/obligations/decision.ts";
import { problemBody } from "../../src/http/problem.ts";
import { refusalError } from "../../src/services/obligation-refusal.ts";

describe("an obligation rule's refusal as a problem", () => {
  it("names a forbidding rule as a reasons entry of a 409 invalid_transition", () => {
    const body = problemBody(
      refusalError(forbidden("proposal_limit_reached", "Three proposals already.")),
      "req-1",
    );
    expect(body).toMatchObject({
      status: 409,
      code: "invalid_transition",
      reasons: [{ code: "proposal_limit_reached", message: "Three proposals already." }],
    });
    expect(body.errors).toBeUndefined();
  });

  it("names the field and the rule of a bad request in a 422 validation_failed", () => {
    const body = problemBody(
      refusalError(invalid("shipDate", "ship_date_too_late", "More than 30 days out.")),
      "req-2",
    );
    expect(body).toMatchObject({
      status: 422,
      code: "validation_failed",
      errors: [{ path: "shipDate", message: "ship_date_too_late: More than 30 days out." }],
    });
    expect(body.reasons).toBeUndefined();
  });
});

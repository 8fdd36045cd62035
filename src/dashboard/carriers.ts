/** The carriers as the pages name them. */
import type { AppServices } from "../http/env.ts";

export function carrierNames(services: AppServices): Array<{ id: string; name: string }> {
  return services.carriers
    .all()
    .map((carrier) => ({ id: carrier.id, name: carrier.resilient.adapter.displayName }));
}

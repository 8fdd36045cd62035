/** What each block of the suite's sandbox part is given (contract-suite.ts builds it once). */
import type { CarrierCapabilities } from "../carrier-adapter.ts";
import type { CarrierContractSuiteOptions } from "../contract-suite.ts";
import type { Address } from "../normalized.ts";
import type { SandboxControl } from "./sandbox-control.ts";

export interface SandboxSection {
  options: CarrierContractSuiteOptions;
  /** What the adapter offers: the blocks for an operation it lacks are not declared. */
  capabilities: CarrierCapabilities;
  sandbox: SandboxControl;
  /** Where redirects go. */
  redirectTo: Address;
}

/**
 * Every carrier the gateway has, by id: adding one is its folder under adapters/ (with its
 * definition.ts) plus its line here, and its id in `carrierIds`. A carrier id without a
 * definition, or listed under another carrier's, fails the type check.
 */
import { cainiaoDefinition } from "../../adapters/cainiao/definition.ts";
import { jdDefinition } from "../../adapters/jd/definition.ts";
import { kuaidi100Definition } from "../../adapters/kuaidi100/definition.ts";
import { sfExpressDefinition } from "../../adapters/sf-express/definition.ts";
import { upsDefinition } from "../../adapters/ups/definition.ts";
import { ztoDefinition } from "../../adapters/zto/definition.ts";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import type { CarrierDefinition } from "./definition.ts";

export const carrierDefinitions = {
  "sf-express": sfExpressDefinition,
  ups: upsDefinition,
  jd: jdDefinition,
  kuaidi100: kuaidi100Definition,
  cainiao: cainiaoDefinition,
  zto: ztoDefinition,
} satisfies { [Id in CarrierId]: CarrierDefinition<Id> };

/** `npm run client:generate`: writes client/openapi.ts from the gateway's served OpenAPI document. */
import { writeFileSync } from "node:fs";
import { clientTypesPath, clientTypesSource, servedOpenApiDocument } from "./client-types.ts";

writeFileSync(clientTypesPath, await clientTypesSource(await servedOpenApiDocument()));
process.stdout.write(`Wrote ${clientTypesPath}\n`);

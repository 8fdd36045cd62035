/**
 * A configuration the gateway cannot start with. Its own module so carrier definitions can throw
 * it while src/config.ts reads them (no import cycle).
 */
export class ConfigError extends Error {}

/** Every language's table, by language: a language without one fails the type check. */
import { en } from "./en.ts";
import type { Language, Messages } from "./messages.ts";
import { zhCN } from "./zh-CN.ts";

export const messageTables: Record<Language, Messages> = { en, "zh-CN": zhCN };

import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../logger.js";

type Level = "debug" | "info" | "warn" | "error";

/**
 * Bolt (and its Socket Mode and Web API clients) log as console does: words and values in one
 * call, often an Error last. The first Error goes to pino as `err`, so its stack and cause are
 * logged and redacted like any other; everything else becomes the message. Other objects are
 * not expanded: Bolt's values may carry tokens that redaction cannot find inside a string.
 */
export function toBoltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const at =
    (l: Level) =>
    (...m: unknown[]) => {
      const err = m.find((x): x is Error => x instanceof Error);
      const text = m
        .filter((x) => x !== err)
        .map(String)
        .join(" ");
      if (err) log[l]({ err }, text || err.message);
      else log[l](text);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

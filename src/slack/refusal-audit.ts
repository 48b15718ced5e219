import { isAppError } from "../errors.js";
import type { Logger } from "../logger.js";
import { clip } from "../audit/audit-fns.js";

/**
 * Wraps a handler so that a refusal it raises (an AppError: bad input, a gone or finished
 * record) leaves an audit row, as the router does for role refusals. `record` writes the row
 * with the feature's own target; the error still reaches the router, which answers the user.
 */
export function auditingRefusals<C>(
  record: (ctx: C, notes: string) => Promise<void>,
  logger: Logger,
  fn: (ctx: C) => Promise<void>,
): (ctx: C) => Promise<void> {
  return async (ctx: C) => {
    try {
      await fn(ctx);
    } catch (e) {
      if (isAppError(e)) {
        const fields = e.fieldErrors ? ` (fields: ${Object.keys(e.fieldErrors).join(", ")})` : "";
        await record(ctx, clip(`refused: ${e.userMessage}${fields}`, 1000)).catch((err: unknown) => logger.warn({ err }, "could not audit a refusal"));
      }
      throw e;
    }
  };
}

import { auditText, nameToUuid, type AuditTarget } from "../../audit/audit-fns.js";
import { isUuid } from "../ids.js";

/** An audit target for what has no row of its own (a command, a button, an unknown id): a stable id from its key. */
export const pseudoTarget = (model: string, key: string, display: string): AuditTarget => ({
  targetModel: model,
  targetId: nameToUuid(key),
  targetDisplay: auditText(display) || display,
});

/**
 * The target a button or form names when its route declares no target of its own: the row of
 * `model` whose id the payload carries, when it is one (only the shape is trusted here: the
 * handler re-checks the row), else the surface's pseudo target.
 */
export function declaredTarget(route: { model?: string; label: string }, id: unknown, surface: string, key: string): AuditTarget {
  return route.model && isUuid(id)
    ? { targetModel: route.model, targetId: id.toLowerCase(), targetDisplay: route.label }
    : pseudoTarget(surface, key, route.label);
}

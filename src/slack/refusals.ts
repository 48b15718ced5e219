import type { Actor } from "../identity/actor.js";
import type { Logger } from "../logger.js";
import type { AuditBatcher } from "../audit/audit-batcher.js";
import { auditText, clip, nameToUuid, type AuditTarget } from "../audit/audit-fns.js";

export type RefusalRecorder = {
  /** Records a refused request (throttled, see below); resolves when the row committed or was suppressed. */
  record(actor: Actor, label: string, reason: string, target?: AuditTarget): Promise<void>;
  /** Writes the suppressed counts now (timer and shutdown). */
  flush(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Whether a refusal falls inside the window of the last recorded one (and is only counted).
 * A clock that moved backwards ends the window: record rather than go silent.
 */
export function withinWindow(recordedAt: number, now: number, windowMs: number): boolean {
  return now >= recordedAt && now - recordedAt < windowMs;
}

type Window = { at: number; suppressed: number; actor: Actor; target: AuditTarget; label: string; reason: string };

/** Distinct targets one user's refusals of one label may name per window before they are pooled. */
export const TARGETS_PER_WINDOW = 10;

/**
 * Every refused request leaves a trace, but a user hammering a forbidden button cannot flood the
 * log through us: per user and label, one row per target per window, for at most
 * TARGETS_PER_WINDOW targets (a loop over forged ids lands in one pooled window after that);
 * whatever a window suppressed is written as one count row when the window closes (a timer) or
 * at shutdown, so no refusal goes uncounted and a refusal of a real row is recorded against it.
 */
export function createRefusalRecorder(deps: { audit: Pick<AuditBatcher, "record">; logger: Logger; windowMs?: number; now?: () => number }): RefusalRecorder {
  const windowMs = deps.windowMs ?? 60_000;
  const now = deps.now ?? Date.now;
  const windows = new Map<string, Window>();

  const row = (w: Pick<Window, "actor" | "target" | "label">, notes: string) =>
    deps.audit.record(w.actor, { action: "VIEW", ...w.target, notes: clip(notes, 1000) });

  async function flush(all = false): Promise<void> {
    const t = now();
    const writes: Promise<void>[] = [];
    for (const [key, w] of windows) {
      if (!all && withinWindow(w.at, t, windowMs)) continue;
      windows.delete(key);
      if (w.suppressed > 0)
        writes.push(
          row(w, `refused ${w.suppressed} more time(s) in the ${Math.round(windowMs / 1000)} s after the last recorded refusal (suppressed): ${w.reason}`),
        );
    }
    const failed = (await Promise.allSettled(writes)).filter((r) => r.status === "rejected");
    if (failed.length) deps.logger.warn({ err: (failed[0] as PromiseRejectedResult).reason, rows: failed.length }, "could not write suppressed-refusal counts");
  }

  const timer = setInterval(() => void flush(), windowMs);
  timer.unref();

  return {
    async record(actor, label, reason, target) {
      const tgt = target ?? {
        targetModel: "SlackRequest",
        targetId: nameToUuid(`slack-user:${actor.slackUserId ?? "unknown"}`),
        targetDisplay: auditText(label),
      };
      const prefix = `${actor.slackUserId ?? actor.email}|${label}|`;
      const open = (k: string) => {
        const w = windows.get(k);
        return w && withinWindow(w.at, now(), windowMs) ? w : undefined;
      };
      let key = prefix + tgt.targetId;
      if (!open(key) && [...windows.keys()].filter((k) => k.startsWith(prefix) && open(k)).length >= TARGETS_PER_WINDOW) key = `${prefix}*`;
      const w = open(key);
      if (w) {
        w.suppressed += 1;
        return;
      }
      if (windows.has(key)) await flush();
      windows.set(key, { at: now(), suppressed: 0, actor, target: tgt, label, reason });
      await row({ actor, target: tgt, label }, `refused: ${reason}`);
    },
    flush: () => flush(),
    async stop() {
      clearInterval(timer);
      await flush(true);
    },
  };
}

import { randomUUID } from "node:crypto";
import type { Db } from "../../db.js";
import { clip } from "../../audit/audit-fns.js";
import type { Clock } from "../types.js";

// The questions being answered, in Postgres: "Thinking…" promises an answer that can take a
// minute, and the process may die first (a crash, a deploy whose drain is shorter than the
// deadline). Any replica's sweep then finds the row still RUNNING past the deadline and claims
// it with one conditional UPDATE, so exactly one replica tells the asker. The same rows cap how
// many questions one person has in flight: each is a paid model conversation.

export type Interrupted = { id: string; slackUserId: string; question: string; startedAt: Date };

type Deps = { db: Db; clock: Clock; maxOpenPerUser: number; staleAfterMs: number; keepFinishedMs: number };

export function createAskRuns({ db, clock, maxOpenPerUser, staleAfterMs, keepFinishedMs }: Deps) {
  const now = () => clock.now();
  return {
    /**
     * Records the question as RUNNING, or null when the asker already has the most allowed in
     * flight. A per-asker advisory lock makes the count and the insert one step, so two asks at
     * once cannot both slip under the limit.
     */
    async begin(slackUserId: string, question: string): Promise<string | null> {
      return db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('wl_ask_run'), hashtext(${slackUserId}))::text AS locked`;
        const at = now();
        const open = await tx.askRun.count({ where: { slackUserId, status: "RUNNING", startedAt: { gt: new Date(at.getTime() - staleAfterMs) } } });
        if (open >= maxOpenPerUser) return null;
        const id = randomUUID();
        await tx.askRun.create({ data: { id, slackUserId, question: clip(question, 500), status: "RUNNING", startedAt: at } });
        return id;
      });
    },

    /** The answer is about to be shown: the run is done (false if a sweep already gave up on it). */
    async finish(id: string): Promise<boolean> {
      const { count } = await db.askRun.updateMany({ where: { id, status: "RUNNING" }, data: { status: "DONE", finishedAt: now() } });
      return count === 1;
    },

    /**
     * Claims every run that outlived its process: one UPDATE … RETURNING, so of two replicas
     * sweeping at once each row goes to exactly one. Also forgets finished rows after a while.
     */
    async claimInterrupted(): Promise<Interrupted[]> {
      const at = now();
      const rows = await db.$queryRaw<Interrupted[]>`
        UPDATE wl_ask_run SET status = 'INTERRUPTED', finished_at = ${at}
         WHERE status = 'RUNNING' AND started_at < ${new Date(at.getTime() - staleAfterMs)}
        RETURNING id, slack_user_id AS "slackUserId", question, started_at AS "startedAt"`;
      await db.askRun.deleteMany({ where: { status: { not: "RUNNING" }, finishedAt: { lt: new Date(at.getTime() - keepFinishedMs) } } });
      return rows;
    },
  };
}

export type AskRuns = ReturnType<typeof createAskRuns>;

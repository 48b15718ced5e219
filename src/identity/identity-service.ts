import type { Db, DbOrTx, Pool } from "../db.js";
import type { Actor } from "./actor.js";
import { roleSchema, type Role } from "./roles.js";
import type { SlackDirectory, SlackProfile } from "./slack-directory.js";
import { SYSTEM_ACTOR } from "./actor.js";
import { audited, writeAudit } from "../audit/audit-service.js";
import { nameToUuid } from "../audit/audit-fns.js";
import { AppError, ErrorCode } from "../errors.js";

export type IdentityService = ReturnType<typeof createIdentityService>;

type Deps = { db: Db; pool: Pool; directory: SlackDirectory; bootstrapAdmins: readonly string[] };

/**
 * Serialises every change to who is admin (role changes, bootstrap): under it, "is the actor
 * still an admin" and "would any admin be left" are answered by what is committed, and no
 * other change can land between the check and the write.
 */
async function lockRoles(tx: DbOrTx): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('wl_user_role'))::text AS locked`;
}

async function anyAdmin(tx: DbOrTx): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ any: boolean }[]>`SELECT EXISTS (SELECT 1 FROM wl_user_role WHERE role = 'admin') AS any`;
  return row?.any === true;
}

/** Under the role lock: the actor was resolved before the request waited for it, so ask again. */
async function assertStillAdmin(tx: DbOrTx, actor: Actor): Promise<void> {
  const row = actor.userId === null ? null : await tx.userRole.findUnique({ where: { userId: actor.userId }, select: { role: true } });
  if (row?.role === "admin") return;
  throw new AppError(ErrorCode.Forbidden, {
    message: `actor is no longer admin (${row?.role ?? "no role"})`,
    userMessage: "You're no longer an admin (your role changed a moment ago), so nothing was changed.",
  });
}

/**
 * There is always an admin: removing the admin role from `from` must leave one. This also
 * decides an admin stepping down: allowed while another admin remains, refused for the last.
 */
async function assertAdminRemains(tx: DbOrTx, from: Role | null, to: Role | null): Promise<void> {
  if (from !== "admin" || to === "admin") return;
  if ((await tx.userRole.count({ where: { role: "admin" } })) > 1) return;
  throw new AppError(ErrorCode.Conflict, {
    message: "would leave no admin",
    userMessage: "That would leave the studio without an admin, so nothing was changed. Make someone else an admin first.",
  });
}

/** Django marks a password that can never log in with a leading "!". */
const UNUSABLE_PASSWORD = "!wavelaunch-slack";

/**
 * Exact, case-insensitive email match. Not Prisma's `mode: "insensitive"`: that is an unescaped
 * ILIKE, so a Slack user whose email has `_` or `%` would match (and inherit the role of)
 * someone else's account.
 */
async function userByEmail(tx: DbOrTx, email: string, opts: { withRole?: boolean } = {}): Promise<{ id: number; email: string; role: Role | null } | null> {
  const rows = opts.withRole
    ? await tx.$queryRaw<{ id: number; email: string; role: Role | null }[]>`
        SELECT u.id, u.email, r.role FROM auth_user u JOIN wl_user_role r ON r.user_id = u.id
         WHERE lower(u.email) = lower(${email}) ORDER BY u.id LIMIT 1`
    : await tx.$queryRaw<{ id: number; email: string; role: Role | null }[]>`
        SELECT u.id, u.email, NULL::text AS role FROM auth_user u WHERE lower(u.email) = lower(${email}) ORDER BY u.id LIMIT 1`;
  return rows[0] ?? null;
}

/**
 * A linked caller is one indexed query; one that takes longer than this means a database that
 * accepts connections and does not answer: the caller is told so at once. Only this query is
 * bounded: a first contact also waits on Slack's users.info, which has its own timeouts.
 */
const LOOKUP_DEADLINE_MS = 1_500;

function withinDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer the caller lookup within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export function createIdentityService({ db, pool, directory, bootstrapAdmins }: Deps) {
  const admins = new Set(bootstrapAdmins);

  /**
   * Every request not served from the actor cache asks this: one indexed query, as a named
   * prepared statement on the pool (Prisma's raw query costs ~5x the CPU for the same row).
   */
  async function linked(slackUserId: string) {
    const { rows } = await pool.query<{ slackTeamId: string; id: number; email: string; username: string; firstName: string; role: Role | null }>({
      name: "wl_actor_linked",
      text: `SELECT s.slack_team_id AS "slackTeamId", u.id, u.email, u.username, u.first_name AS "firstName", r.role
               FROM wl_slack_user s JOIN auth_user u ON u.id = s.user_id LEFT JOIN wl_user_role r ON r.user_id = u.id
              WHERE s.slack_user_id = $1`,
      values: [slackUserId],
    });
    const r = rows[0];
    return r
      ? { slackTeamId: r.slackTeamId, user: { id: r.id, email: r.email, username: r.username, firstName: r.firstName, role: r.role ? { role: r.role } : null } }
      : null;
  }

  /** Finds or creates the auth_user for a Slack profile, matching Django users by email. */
  async function ensureUser(tx: DbOrTx, profile: SlackProfile): Promise<{ id: number; email: string }> {
    const email = profile.email ?? `${profile.slackUserId.toLowerCase()}@slack.invalid`;
    const existing = await userByEmail(tx, email);
    const user =
      existing ??
      (await tx.authUser.create({
        data: {
          password: UNUSABLE_PASSWORD,
          isSuperuser: false,
          // Django's username validator allows letters, digits and @.+-_ only (max 150).
          username: `slack.${profile.slackUserId}`.replace(/[^A-Za-z0-9@.+_-]/g, "_").slice(0, 150),
          firstName: profile.name.slice(0, 150),
          lastName: "",
          email,
          isStaff: false,
          isActive: true,
          dateJoined: new Date(),
        },
        select: { id: true, email: true },
      }));
    await tx.slackUser.upsert({
      where: { slackUserId: profile.slackUserId },
      create: { slackUserId: profile.slackUserId, slackTeamId: profile.teamId, userId: user.id },
      update: {},
    });
    return user;
  }

  async function resolveOnce(slackUserId: string, teamId: string | null): Promise<Actor> {
    const row = await withinDeadline(linked(slackUserId), LOOKUP_DEADLINE_MS);
    if (row) {
      let role = (row.user.role?.role ?? null) as Role | null;
      if (role !== "admin" && admins.has(slackUserId)) role = await bootstrapAdmin(row.user.id, row.user.email, slackUserId, teamId);
      return {
        userId: row.user.id,
        email: row.user.email,
        role,
        slackUserId,
        slackTeamId: row.slackTeamId || teamId,
        displayName: row.user.firstName || row.user.username,
      };
    }
    const profile = await directory.lookup(slackUserId).catch(() => null);
    const email = profile?.email ?? `${slackUserId.toLowerCase()}@slack.invalid`;
    if (admins.has(slackUserId) && profile) {
      const user = await db.$transaction((tx) => ensureUser(tx, profile));
      const role = await bootstrapAdmin(user.id, user.email, slackUserId, teamId);
      return { userId: user.id, email: user.email, role, slackUserId, slackTeamId: teamId, displayName: profile.name };
    }
    // A Django user with this email and a role may exist without a Slack link yet.
    const django = profile?.email ? await userByEmail(db, profile.email, { withRole: true }) : null;
    if (django && profile) {
      await ensureUser(db, profile);
      return {
        userId: django.id,
        email: django.email,
        role: django.role,
        slackUserId,
        slackTeamId: teamId,
        displayName: profile.name,
      };
    }
    return { userId: null, email, role: null, slackUserId, slackTeamId: teamId, displayName: profile?.name ?? slackUserId };
  }

  return {
    /**
     * The caller of a Slack request. A linked user costs one indexed query; an unknown one
     * costs a cached users.info. Unknown users get no rows written: having no role, they
     * are refused, and a refusal changes nothing.
     */
    async resolve(slackUserId: string, teamId: string | null): Promise<Actor> {
      try {
        return await resolveOnce(slackUserId, teamId);
      } catch (e) {
        // A new user's first clicks arrive together: one request links them, the others lose
        // the unique race and simply read what it wrote.
        if ((e as { code?: string }).code === "P2002") return resolveOnce(slackUserId, teamId);
        throw e;
      }
    },

    /**
     * Sets (or with null, removes) a Slack user's role; the change and its audit row commit
     * together. Under the role lock it re-checks that the actor is still an admin (two admins
     * demoting each other at once: the second finds they no longer are) and refuses a change
     * that would leave the studio without an admin. A refusal changes nothing and is audited.
     */
    /**
     * Sets (or with null, removes) a Slack user's role; the change and its audit row commit
     * together. Under the role-change lock: the actor must still be an admin, and no change may
     * leave the studio without one (two admins demoting each other at once: one of them wins).
     */
    async setRole(actor: Actor, target: SlackProfile, role: Role | null): Promise<{ from: Role | null; to: Role | null; email: string }> {
      return audited(db, actor, async (tx) => {
        await lockRoles(tx);
        await assertStillAdmin(tx, actor);
        const user = await ensureUser(tx, target);
        const prior = await tx.userRole.findUnique({ where: { userId: user.id } });
        const from = (prior?.role ?? null) as Role | null;
        await assertAdminRemains(tx, from, role);
        // The audit row points at the role row (wl_user_role.id); removing a role nobody had
        // touches no row, so that one names the Slack user instead.
        let roleRowId = prior?.id ?? null;
        if (role) {
          roleRowId = (
            await tx.userRole.upsert({
              where: { userId: user.id },
              create: { userId: user.id, role, grantedById: actor.userId },
              update: { role, grantedById: actor.userId, updatedAt: new Date() },
              select: { id: true },
            })
          ).id;
        } else if (prior) {
          await tx.userRole.delete({ where: { userId: user.id } });
        }
        return {
          result: { from, to: role, email: user.email },
          audit: {
            action: "UPDATE",
            targetModel: "UserRole",
            targetId: roleRowId ?? nameToUuid(`slack-user:${target.slackUserId}`),
            targetDisplay: `${target.name} <${user.email}>`,
            changes: from === role ? {} : { role: { from, to: role } },
            notes: from === role ? "role unchanged" : null,
          },
        };
      });
    },

    async usersWithRole(min: Role): Promise<{ userId: number; slackUserId: string; role: Role }[]> {
      const rows = await db.userRole.findMany({
        select: { role: true, userId: true, user: { select: { slackUser: { select: { slackUserId: true } } } } },
      });
      const allowed = roleSchema.options.slice(roleSchema.options.indexOf(min));
      return rows
        .filter((r) => (allowed as string[]).includes(r.role) && r.user.slackUser)
        .map((r) => ({ userId: r.userId, slackUserId: r.user.slackUser!.slackUserId, role: r.role as Role }));
    },
  };

  /**
   * ADMIN_SLACK_USER_IDS bootstraps the first admins: a listed user is made admin only while
   * the studio has no admin at all (a fresh install, or every admin removed outside the bot).
   * Once an admin exists the list grants nothing, so removing or demoting a listed user sticks.
   * Returns the user's role afterwards.
   */
  async function bootstrapAdmin(userId: number, email: string, slackUserId: string, teamId: string | null): Promise<Role | null> {
    const current = async (tx: DbOrTx) => ((await tx.userRole.findUnique({ where: { userId }, select: { role: true } }))?.role ?? null) as Role | null;
    // Every request of a listed non-admin asks this: one cheap read while an admin exists.
    if (await anyAdmin(db)) return current(db);
    return db.$transaction(async (tx) => {
      await lockRoles(tx);
      if (await anyAdmin(tx)) return current(tx);
      const from = await current(tx);
      const granted = await tx.userRole.upsert({
        where: { userId },
        create: { userId, role: "admin" },
        update: { role: "admin", updatedAt: new Date() },
        select: { id: true },
      });
      await writeAudit(
        tx,
        { ...SYSTEM_ACTOR, slackTeamId: teamId },
        {
          action: "UPDATE",
          targetModel: "UserRole",
          targetId: granted.id,
          targetDisplay: email,
          changes: { role: { from, to: "admin" } },
          notes: `bootstrap admin from ADMIN_SLACK_USER_IDS (${slackUserId}): the studio had no admin`,
        },
      );
      return "admin" as const;
    });
  }
}

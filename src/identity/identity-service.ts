import type { Db, DbOrTx, Pool } from "../db.js";
import type { Actor } from "./actor.js";
import { roleSchema, type Role } from "./roles.js";
import type { SlackDirectory, SlackProfile } from "./slack-directory.js";
import { SYSTEM_ACTOR } from "./actor.js";
import { writeAudit } from "../audit/audit-service.js";
import { nameToUuid } from "../audit/audit-fns.js";

export type IdentityService = ReturnType<typeof createIdentityService>;

type Deps = { db: Db; pool: Pool; directory: SlackDirectory; bootstrapAdmins: readonly string[] };

/** Django marks a password that can never log in with a leading "!". */
const UNUSABLE_PASSWORD = "!wavelaunch-slack";

/**
 * Exact, case-insensitive email match. Not Prisma's `mode: "insensitive"`: that is an unescaped
 * ILIKE, so a Slack user whose email has `_` or `%` would match (and inherit the role of)
 * someone else's account.
 */
async function userByEmail(
  tx: DbOrTx,
  email: string,
  opts: { withRole?: boolean } = {},
): Promise<{ id: number; email: string; role: Role | null } | null> {
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
    return r ? { slackTeamId: r.slackTeamId, user: { id: r.id, email: r.email, username: r.username, firstName: r.firstName, role: r.role ? { role: r.role } : null } } : null;
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
      if (!role && admins.has(slackUserId)) role = await bootstrapAdmin(row.user.id, row.user.email, slackUserId, teamId);
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

    /** Sets (or with null, removes) a Slack user's role; the change and its audit row commit together. */
    async setRole(actor: Actor, target: SlackProfile, role: Role | null): Promise<{ from: Role | null; to: Role | null; email: string }> {
      return db.$transaction(async (tx) => {
        const user = await ensureUser(tx, target);
        const prior = await tx.userRole.findUnique({ where: { userId: user.id } });
        const from = (prior?.role ?? null) as Role | null;
        // The audit row points at the role row (wl_user_role.id); removing a role nobody had
        // touches no row, so that one names the Slack user instead.
        let roleRowId = prior?.id ?? null;
        if (role) {
          roleRowId = (await tx.userRole.upsert({
            where: { userId: user.id },
            create: { userId: user.id, role, grantedById: actor.userId },
            update: { role, grantedById: actor.userId, updatedAt: new Date() },
            select: { id: true },
          })).id;
        } else if (prior) {
          await tx.userRole.delete({ where: { userId: user.id } });
        }
        await writeAudit(tx, actor, {
          action: "UPDATE",
          targetModel: "UserRole",
          targetId: roleRowId ?? nameToUuid(`slack-user:${target.slackUserId}`),
          targetDisplay: `${target.name} <${user.email}>`,
          changes: from === role ? {} : { role: { from, to: role } },
          notes: from === role ? "role unchanged" : null,
        });
        return { from, to: role, email: user.email };
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

  async function bootstrapAdmin(userId: number, email: string, slackUserId: string, teamId: string | null): Promise<Role> {
    // ADMIN_SLACK_USER_IDS grants admin to a listed user who has no role; it never downgrades a
    // role set later. To remove a bootstrap admin, take them off the list, then set their role.
    await db.$transaction(async (tx) => {
      const created = await tx.userRole.createMany({ data: [{ userId, role: "admin" }], skipDuplicates: true });
      if (created.count === 1) {
        const granted = await tx.userRole.findUniqueOrThrow({ where: { userId }, select: { id: true } });
        await writeAudit(tx, { ...SYSTEM_ACTOR, slackTeamId: teamId }, {
          action: "UPDATE",
          targetModel: "UserRole",
          targetId: granted.id,
          targetDisplay: email,
          changes: { role: { from: null, to: "admin" } },
          notes: `bootstrap admin from ADMIN_SLACK_USER_IDS (${slackUserId})`,
        });
      }
    });
    const row = await db.userRole.findUnique({ where: { userId }, select: { role: true } });
    return (row?.role ?? "admin") as Role;
  }
}

import type { Db, Tx } from "../db.js";
import type { MultiFernet } from "../crypto/fernet.js";
import type { Actor } from "../identity/actor.js";
import { SYSTEM_ACTOR } from "../identity/actor.js";
import { writeAudit } from "../audit/audit-service.js";
import { snapshot } from "../audit/audit-fns.js";
import { addDays, toDbDate, type IsoDate } from "../lib/dates.js";
import type { HealthService } from "../features/health/health-service.js";
import { DEMO_USERS, SANDBOX_TEAM } from "./sandbox-users.js";

// A realistic studio for demos and the sandbox: the demo people with their roles, ~40 creators
// across every journey status and health, milestones (some overdue), credentials encrypted
// with the configured keys, and the audit rows all of that would have produced. Idempotent:
// people are matched by email, creators by creator_email, so a re-run adds nothing twice.

const UNUSABLE_PASSWORD = "!wavelaunch-slack";
const SECRET_COLUMNS = ["login_url", "password", "two_factor_backup_codes", "api_keys"] as const;
const toColumns = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`), v]));

/** The demo people: auth_user (matched by email), their Slack link, and a role unless they have one. */
export async function seedDemoUsers(db: Db): Promise<{ created: number; rolesGranted: number }> {
  let created = 0;
  let rolesGranted = 0;
  for (const u of DEMO_USERS) {
    if (!u.role) continue; // a person without a role has no rows, as in the bot itself
    const role = u.role;
    await db.$transaction(async (tx) => {
      let user = await tx.authUser.findFirst({ where: { email: { equals: u.email, mode: "insensitive" } }, orderBy: { id: "asc" } });
      if (!user) {
        user = await tx.authUser.create({
          data: {
            password: UNUSABLE_PASSWORD,
            isSuperuser: false,
            username: `slack.${u.id}`,
            firstName: u.realName,
            lastName: "",
            email: u.email,
            isStaff: false,
            isActive: true,
            dateJoined: new Date(),
          },
        });
        created++;
      }
      await tx.slackUser.upsert({ where: { slackUserId: u.id }, create: { slackUserId: u.id, slackTeamId: SANDBOX_TEAM.id, userId: user.id }, update: {} });
      const granted = await tx.userRole.createMany({ data: [{ userId: user.id, role }], skipDuplicates: true });
      if (granted.count === 1) {
        rolesGranted++;
        const row = await tx.userRole.findUniqueOrThrow({ where: { userId: user.id }, select: { id: true } });
        await writeAudit(
          tx,
          { ...SYSTEM_ACTOR, slackTeamId: SANDBOX_TEAM.id },
          {
            action: "UPDATE",
            targetModel: "UserRole",
            targetId: row.id,
            targetDisplay: `${u.realName} <${u.email}>`,
            changes: { role: { from: null, to: role } },
            notes: "demo seed (npm run seed:demo / sandbox)",
          },
        );
      }
    });
  }
  return { created, rolesGranted };
}

/** The demo people as actors, so seeded history reads as their work. */
export async function demoActors(db: Db): Promise<Map<string, Actor>> {
  const rows = await db.slackUser.findMany({
    where: { slackUserId: { in: DEMO_USERS.map((u) => u.id) } },
    include: { user: { include: { role: true } } },
  });
  return new Map(
    rows.map((r) => [
      r.slackUserId,
      {
        userId: r.userId,
        email: r.user.email,
        role: (r.user.role?.role ?? null) as Actor["role"],
        slackUserId: r.slackUserId,
        slackTeamId: r.slackTeamId,
        displayName: r.user.firstName || r.user.username,
      },
    ]),
  );
}

// ---- the studio ----

/** mulberry32: the same studio on every machine and every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

const FIRST = [
  "Maya",
  "Theo",
  "Priya",
  "Jonah",
  "Lena",
  "Marco",
  "Aisha",
  "Felix",
  "Noor",
  "Callum",
  "Sofia",
  "Kenji",
  "Imani",
  "Oskar",
  "Zara",
  "Rafael",
  "Hana",
  "Idris",
  "Chloe",
  "Mateo",
  "Yara",
  "Elliot",
  "Amara",
  "Luca",
  "Freya",
  "Tariq",
  "Nina",
  "Ravi",
  "Isla",
  "Dante",
  "Mei",
  "Ezra",
  "Leila",
  "Hugo",
  "Saoirse",
  "Kofi",
  "Anouk",
  "Bastian",
  "Esme",
  "Jules",
];
const LAST = [
  "Okafor",
  "Lindqvist",
  "Raman",
  "Castillo",
  "Brennan",
  "Ferreira",
  "Haddad",
  "Nakamura",
  "Osei",
  "Whitlock",
  "Moreau",
  "Kowalski",
  "Adeyemi",
  "Sato",
  "Marchetti",
  "Quinn",
  "Varga",
  "Delacroix",
  "Mensah",
  "Holloway",
];
const BRANDS = [
  ["Salt & Pine", "Outdoor cooking"],
  ["Glow Theory", "Skincare"],
  ["Daily Grain", "Baking"],
  ["Pixel Pantry", "Food photography"],
  ["Lift Lab", "Fitness"],
  ["Quiet Corner", "Mindfulness"],
  ["Threadbare", "Sustainable fashion"],
  ["Byte Sized", "Tech reviews"],
  ["Wander Well", "Travel"],
  ["Little Sprouts", "Parenting"],
  ["Brush & Bloom", "Watercolour art"],
  ["Nightshift Beats", "Music production"],
  ["Plant Parent", "Houseplants"],
  ["Fieldnotes", "Birdwatching"],
  ["Crumb Club", "Sourdough"],
  ["Petal Press", "Floristry"],
  ["Stack & Save", "Personal finance"],
  ["Ink Well", "Calligraphy"],
  ["Trail Mix", "Hiking"],
  ["Velvet Hour", "Cocktails"],
  ["Kiln & Co", "Ceramics"],
  ["Rep Count", "Strength training"],
  ["Open Shelf", "Book reviews"],
  ["Loop Studio", "Knitting"],
  ["Nomad Desk", "Remote work"],
  ["Sugar Rush", "Cake decorating"],
  ["Greenprint", "Zero waste living"],
  ["Frame Theory", "Photography"],
  ["Mellow Mornings", "Coffee"],
  ["Game Night", "Board games"],
  ["Hidden Gems", "Thrifting"],
  ["Tiny Homes Co", "Small-space living"],
  ["Rooted", "Gardening"],
  ["Spin Cycle", "Cycling"],
  ["Calm Canvas", "Art therapy"],
  ["Moonlit Kitchen", "Vegan cooking"],
  ["Wild Swim", "Open-water swimming"],
  ["Code & Coffee", "Programming tutorials"],
  ["Paper Trail", "Journaling"],
  ["Bright Side", "Comedy sketches"],
] as const;
const CITIES = [
  "London, UK",
  "Manchester, UK",
  "Lisbon, Portugal",
  "Berlin, Germany",
  "Austin, USA",
  "Toronto, Canada",
  "Lagos, Nigeria",
  "Melbourne, Australia",
  "Dublin, Ireland",
  "Barcelona, Spain",
  "Brooklyn, USA",
  "Edinburgh, UK",
];
const ZONES: Record<string, string> = {
  "London, UK": "Europe/London",
  "Manchester, UK": "Europe/London",
  "Lisbon, Portugal": "Europe/Lisbon",
  "Berlin, Germany": "Europe/Berlin",
  "Austin, USA": "America/Chicago",
  "Toronto, Canada": "America/Toronto",
  "Lagos, Nigeria": "Africa/Lagos",
  "Melbourne, Australia": "Australia/Melbourne",
  "Dublin, Ireland": "Europe/Dublin",
  "Barcelona, Spain": "Europe/Madrid",
  "Brooklyn, USA": "America/New_York",
  "Edinburgh, UK": "Europe/London",
};
const TAGS = ["priority", "ugc", "long-form", "shorts", "brand-deal", "q3-launch", "podcast", "newsletter", "merch", "courses", "wholesale", "collab"];
const CHANNELS = ["Email", "Slack", "WhatsApp", "Phone", "Instagram DM"];

type Health = "GREEN" | "YELLOW" | "RED";
type Status = "ONBOARDING" | "BRAND_BUILDING" | "LAUNCH" | "LIVE" | "PAUSED" | "CLOSED";
/** Journey status and the health the dates are arranged to produce, per creator. */
const PLAN: readonly [Status, Health | "UNTRACKED"][] = [
  ...Array.from({ length: 8 }, (_, i): [Status, Health] => [
    "ONBOARDING",
    (["GREEN", "GREEN", "YELLOW", "RED", "GREEN", "YELLOW", "GREEN", "RED"] as const)[i]!,
  ]),
  ...Array.from({ length: 9 }, (_, i): [Status, Health] => [
    "BRAND_BUILDING",
    (["GREEN", "RED", "YELLOW", "GREEN", "GREEN", "RED", "YELLOW", "GREEN", "YELLOW"] as const)[i]!,
  ]),
  ...Array.from({ length: 7 }, (_, i): [Status, Health] => ["LAUNCH", (["RED", "GREEN", "YELLOW", "GREEN", "RED", "GREEN", "YELLOW"] as const)[i]!]),
  ...Array.from({ length: 10 }, (_, i): [Status, Health] => [
    "LIVE",
    (["GREEN", "GREEN", "YELLOW", "GREEN", "RED", "GREEN", "GREEN", "YELLOW", "GREEN", "GREEN"] as const)[i]!,
  ]),
  ["PAUSED", "UNTRACKED"],
  ["PAUSED", "UNTRACKED"],
  ["PAUSED", "UNTRACKED"],
  ["CLOSED", "UNTRACKED"],
  ["CLOSED", "UNTRACKED"],
  ["CLOSED", "UNTRACKED"],
];
const STAGES: readonly Status[] = ["ONBOARDING", "BRAND_BUILDING", "LAUNCH", "LIVE"];
const MILESTONES: Record<string, readonly string[]> = {
  ONBOARDING: ["Kick-off call", "Signed agreement", "Brand questionnaire returned", "Audience audit"],
  BRAND_BUILDING: ["Logo concepts", "Brand guidelines draft", "Moodboard review", "Content pillars agreed"],
  LAUNCH: ["Landing page live", "Launch content calendar", "Launch day", "Press kit sent"],
  LIVE: ["Monthly performance review", "Brand-deal pitch deck", "Quarterly strategy call", "Merch sample approval"],
  PAUSED: ["Check-in call"],
  CLOSED: ["Offboarding handover"],
};
const PLATFORMS = [
  { name: "Instagram", login: "https://www.instagram.com/accounts/login/" },
  { name: "TikTok", login: "https://www.tiktok.com/login" },
  { name: "YouTube", login: "https://accounts.google.com/ServiceLogin?service=youtube" },
  { name: "Shopify", login: "https://accounts.shopify.com/store-login" },
  { name: "Mailchimp", login: "https://login.mailchimp.com/" },
  { name: "Canva", login: "https://www.canva.com/login" },
] as const;
const WORDS = ["Harbor", "Velvet", "Copper", "Meadow", "Lantern", "Orbit", "Juniper", "Cobalt", "Maple", "Saffron", "Quartz", "Willow"];

export type DemoCreator = {
  creatorName: string;
  creatorEmail: string;
  creatorPhone: string;
  creatorLocation: string;
  creatorTimezone: string;
  brandName: string;
  brandTagline: string;
  brandNiche: string;
  brandWebsite: string;
  brandDescription: string;
  journeyStatus: Status;
  priorityLevel: number;
  instagramHandle: string;
  tiktokHandle: string | null;
  youtubeChannel: string | null;
  primaryCommunicationChannel: string;
  lastContactedDate: IsoDate | null;
  nextFollowUpDate: IsoDate | null;
  communicationNotes: string;
  tags: string[];
  isActive: boolean;
  createdDaysAgo: number;
  statusDaysAgo: number;
  milestones: { title: string; targetDate: IsoDate | null; completedDate: IsoDate | null; stage: Status }[];
  credentials: {
    platformName: string;
    accountIdentifier: string;
    loginUrl: string;
    password: string;
    twoFactorBackupCodes: string | null;
    apiKeys: string | null;
    notes: string;
    lastVerifiedDate: IsoDate | null;
    expiresOn: IsoDate | null;
  }[];
  history: Status[];
  intended: Health | "UNTRACKED";
  ownerSlackId: string;
};

/** The studio, relative to `today` so overdue stays overdue. Pure: same input, same studio. */
export function demoStudio(today: IsoDate): DemoCreator[] {
  const r = prng(20_261_127);
  return PLAN.map(([status, intended], i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const [brandName, niche] = BRANDS[i]!;
    const slug = brandName
      .toLowerCase()
      .replace(/&/g, "and")
      .replace(/[^a-z0-9]+/g, "");
    const city = r.pick(CITIES);
    // One creator added last week with no contact logged yet (no contact counts from created_at).
    const fresh = i === 5;
    const createdDaysAgo = fresh ? 8 : r.int(60, 320);
    // In-stage time: early stages stall past 45 days only where that is the point.
    let statusDaysAgo = Math.min(createdDaysAgo - 5, r.int(5, 40));
    let lastContact: number | null = r.int(1, 9);
    let followUp: number | null = r.int(2, 21); // days from today (negative: overdue)
    let overdueMilestoneDays: number | null = null;
    if (intended === "YELLOW") {
      const kind = i % 4;
      if (kind === 0) lastContact = r.int(16, 27);
      else if (kind === 1) followUp = -r.int(1, 6);
      else if (kind === 2) overdueMilestoneDays = r.int(2, 6);
      else if (STAGES.slice(0, 3).includes(status)) statusDaysAgo = Math.min(createdDaysAgo - 1, r.int(50, 80));
      else lastContact = r.int(16, 27);
    } else if (intended === "RED") {
      const kind = i % 3;
      if (kind === 0) overdueMilestoneDays = r.int(10, 30);
      else if (kind === 1) followUp = -r.int(9, 20);
      else lastContact = r.int(35, 60);
    } else if (intended === "UNTRACKED") {
      lastContact = r.int(20, 90);
      followUp = null;
      statusDaysAgo = Math.min(createdDaysAgo - 1, r.int(20, 120));
    }
    if (fresh) lastContact = null;

    const stageIndex = STAGES.indexOf(status);
    const history =
      stageIndex > 0
        ? STAGES.slice(0, stageIndex + 1)
        : status === "PAUSED" || status === "CLOSED"
          ? (["ONBOARDING", "BRAND_BUILDING", status] as Status[])
          : [status];

    const titles = MILESTONES[status]!;
    const milestones: DemoCreator["milestones"] = [];
    const count = status === "PAUSED" || status === "CLOSED" ? 1 : r.int(2, 4);
    for (let m = 0; m < count; m++) {
      const title = titles[m % titles.length]!;
      const done = m === 0 && status !== "ONBOARDING";
      const target = done ? addDays(today, -r.int(15, 40)) : addDays(today, r.int(4, 45));
      milestones.push({ title, targetDate: target, completedDate: done ? addDays(target, r.int(-2, 3)) : null, stage: status });
    }
    if (overdueMilestoneDays !== null)
      milestones.push({
        title: `${titles[(count + 1) % titles.length]} (late)`,
        targetDate: addDays(today, -overdueMilestoneDays),
        completedDate: null,
        stage: status,
      });

    const credentials: DemoCreator["credentials"] = [];
    const credCount = status === "CLOSED" ? 0 : i % 5 === 4 ? 0 : (i % 3) + 1;
    for (let c = 0; c < credCount; c++) {
      const p = PLATFORMS[(i + c * 2) % PLATFORMS.length]!;
      const handle = p.name === "Shopify" ? `${slug}.myshopify.com` : p.name === "Mailchimp" || p.name === "Canva" ? `team@${slug}.example` : `@${slug}`;
      credentials.push({
        platformName: p.name,
        accountIdentifier: handle,
        loginUrl: p.login,
        password: `${r.pick(WORDS)}-${r.pick(WORDS)}-${r.int(10, 99)}${r.pick(["!", "#", "%", "?"])}`,
        twoFactorBackupCodes: c === 0 ? Array.from({ length: 4 }, () => `${r.int(1000, 9999)}-${r.int(1000, 9999)}`).join(" ") : null,
        apiKeys: p.name === "Shopify" ? `shpat_demo_${Array.from({ length: 24 }, () => "0123456789abcdef"[r.int(0, 15)]).join("")}` : null,
        notes: c === 0 ? "Primary account; the creator approves new logins by SMS." : "Shared with the studio's social team.",
        lastVerifiedDate: addDays(today, -r.int(3, 120)),
        expiresOn: p.name === "Shopify" ? addDays(today, r.int(20, 200)) : null,
      });
    }

    return {
      creatorName: `${first} ${last}`,
      creatorEmail: `${first}.${last}@creators.example`.toLowerCase(),
      creatorPhone: `+44 7700 9${String(r.int(0, 99_999)).padStart(5, "0")}`,
      creatorLocation: city,
      creatorTimezone: ZONES[city] ?? "UTC",
      brandName,
      brandTagline: `${niche}, made simple.`,
      brandNiche: niche,
      brandWebsite: `https://${slug}.example`,
      brandDescription: `${brandName} helps its audience get into ${niche.toLowerCase()} with weekly how-tos and honest reviews.`,
      journeyStatus: status,
      priorityLevel: intended === "RED" ? r.int(1, 2) : r.int(2, 5),
      instagramHandle: `@${slug}`,
      tiktokHandle: i % 2 === 0 ? `@${slug}` : null,
      youtubeChannel: i % 3 === 0 ? `https://www.youtube.com/@${slug}` : null,
      primaryCommunicationChannel: r.pick(CHANNELS),
      lastContactedDate: lastContact === null ? null : addDays(today, -lastContact),
      nextFollowUpDate: followUp === null ? null : addDays(today, followUp),
      communicationNotes: `Prefers ${r.pick(["morning", "afternoon", "async"])} check-ins. Last call covered ${r.pick(["the content calendar", "pricing for brand deals", "the launch timeline", "audience growth"])}.`,
      tags: Array.from(new Set([r.pick(TAGS), r.pick(TAGS)])).slice(0, r.int(1, 2)),
      isActive: !(status === "CLOSED" && i % 2 === 1),
      createdDaysAgo,
      statusDaysAgo,
      milestones,
      credentials,
      history,
      intended,
      ownerSlackId: (["U0DEMOSAM", "U0DEMOSKY", "U0DEMOMIA"] as const)[i % 3]!,
    };
  });
}

export type SeedReport = { creatorsCreated: number; creatorsSkipped: number; milestones: number; credentials: number; auditRows: number };

/**
 * Writes the studio. Each creator, its milestones, credentials and audit rows commit together;
 * the health score comes from the health module, so its reasons match what the bot computes.
 */
export async function seedDemoStudio(deps: { db: Db; fernet: MultiFernet; health: HealthService; today: IsoDate; now: Date }): Promise<SeedReport> {
  const { db, fernet, health, today, now } = deps;
  const actors = await demoActors(db);
  const fallback = actors.get("U0DEMOADA") ?? SYSTEM_ACTOR;
  const report: SeedReport = { creatorsCreated: 0, creatorsSkipped: 0, milestones: 0, credentials: 0, auditRows: 0 };
  const studio = demoStudio(today);
  const existing = new Set(
    (await db.creator.findMany({ where: { creatorEmail: { in: studio.map((c) => c.creatorEmail) } }, select: { creatorEmail: true } })).map(
      (c) => c.creatorEmail,
    ),
  );
  const auditBefore = await db.auditLog.count();
  const dayMs = 86_400_000;
  for (const c of studio) {
    if (existing.has(c.creatorEmail)) {
      report.creatorsSkipped++;
      continue;
    }
    const actor = actors.get(c.ownerSlackId) ?? fallback;
    await db.$transaction(
      async (tx: Tx) => {
        const createdAt = new Date(now.getTime() - c.createdDaysAgo * dayMs);
        const row = await tx.creator.create({
          data: {
            createdAt,
            updatedAt: createdAt,
            createdById: actor.userId,
            lastUpdatedById: actor.userId,
            creatorName: c.creatorName,
            creatorEmail: c.creatorEmail,
            creatorPhone: c.creatorPhone,
            creatorLocation: c.creatorLocation,
            creatorTimezone: c.creatorTimezone,
            brandName: c.brandName,
            brandTagline: c.brandTagline,
            brandNiche: c.brandNiche,
            brandWebsite: c.brandWebsite,
            brandDescription: c.brandDescription,
            journeyStatus: c.history[0]!,
            healthScore: "GREEN",
            lastStatusChange: createdAt,
            priorityLevel: c.priorityLevel,
            instagramHandle: c.instagramHandle,
            tiktokHandle: c.tiktokHandle,
            youtubeChannel: c.youtubeChannel,
            primaryCommunicationChannel: c.primaryCommunicationChannel,
            lastContactedDate: c.lastContactedDate ? toDbDate(c.lastContactedDate) : null,
            nextFollowUpDate: c.nextFollowUpDate ? toDbDate(c.nextFollowUpDate) : null,
            communicationNotes: c.communicationNotes,
            tags: c.tags,
            isActive: true,
          },
        });
        const display = `${c.brandName} (${c.creatorName})`;
        await writeAudit(tx, actor, {
          action: "CREATE",
          targetModel: "Creator",
          targetId: row.id,
          targetDisplay: display,
          changes: snapshot(toColumns(row)),
          notes: "demo seed",
        });

        // The journey so far, one status change at a time, as the card's history would show it.
        for (let s = 1; s < c.history.length; s++) {
          await writeAudit(tx, actor, {
            action: "UPDATE",
            targetModel: "Creator",
            targetId: row.id,
            targetDisplay: display,
            changes: { journey_status: { from: c.history[s - 1], to: c.history[s] } },
            notes: "demo seed",
          });
        }
        await tx.creator.update({
          where: { id: row.id },
          data: { journeyStatus: c.journeyStatus, lastStatusChange: new Date(now.getTime() - c.statusDaysAgo * dayMs), isActive: c.isActive },
        });
        if (!c.isActive) {
          await writeAudit(tx, actor, {
            action: "UPDATE",
            targetModel: "Creator",
            targetId: row.id,
            targetDisplay: display,
            changes: { is_active: { from: true, to: false } },
            notes: "demo seed: archived",
          });
        }

        for (const m of c.milestones) {
          const ms = await tx.milestone.create({
            data: {
              creatorId: row.id,
              createdAt,
              title: m.title,
              description: null,
              targetDate: m.targetDate ? toDbDate(m.targetDate) : null,
              completedDate: m.completedDate ? toDbDate(m.completedDate) : null,
              isCompleted: m.completedDate !== null,
              relatedJourneyStage: m.stage,
            },
          });
          report.milestones++;
          await writeAudit(tx, actor, {
            action: "CREATE",
            targetModel: "Milestone",
            targetId: ms.id,
            targetDisplay: `${m.title} · ${c.brandName}`,
            changes: snapshot(toColumns(ms)),
            notes: "demo seed",
          });
        }

        for (const k of c.credentials) {
          const cred = await tx.creatorCredential.create({
            data: {
              creatorId: row.id,
              createdById: actor.userId,
              platformName: k.platformName,
              accountIdentifier: k.accountIdentifier,
              loginUrl: fernet.encrypt(k.loginUrl),
              password: fernet.encrypt(k.password),
              twoFactorBackupCodes: k.twoFactorBackupCodes ? fernet.encrypt(k.twoFactorBackupCodes) : null,
              apiKeys: k.apiKeys ? fernet.encrypt(k.apiKeys) : null,
              notes: k.notes,
              lastVerifiedDate: k.lastVerifiedDate ? toDbDate(k.lastVerifiedDate) : null,
              expiresOn: k.expiresOn ? toDbDate(k.expiresOn) : null,
            },
          });
          report.credentials++;
          // Secrets are masked in the snapshot: an audit row never carries a value or a token.
          await writeAudit(tx, actor, {
            action: "CREATE",
            targetModel: "CreatorCredential",
            targetId: cred.id,
            targetDisplay: `${k.platformName} · ${k.accountIdentifier} (${c.brandName})`,
            changes: snapshot(toColumns(cred), SECRET_COLUMNS),
            notes: "demo seed",
          });
        }
        await writeAudit(tx, actor, { action: "VIEW", targetModel: "Creator", targetId: row.id, targetDisplay: display, notes: "viewed the creator card" });
        await health.recompute(tx, row.id, actor, today);
      },
      { timeout: 30_000 },
    );
    report.creatorsCreated++;
  }
  report.auditRows = (await db.auditLog.count()) - auditBefore;
  return report;
}

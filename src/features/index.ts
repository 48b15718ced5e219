import type { Router } from "../slack/router.js";
import type { JobHandler } from "../jobs/job-types.js";
import type { FeatureDeps, Schedule } from "./types.js";
import type { Services } from "./services.js";
import * as help from "./help/register.js";
import * as roles from "./roles/register.js";
import * as creators from "./creators/register.js";
import * as milestones from "./milestones/register.js";
import * as health from "./health/register.js";
import * as vault from "./vault/register.js";
import * as digests from "./digests/register.js";
import * as deliverables from "./deliverables/register.js";
import * as audit from "./audit/register.js";
import * as home from "./home/register.js";
import * as housekeeping from "./housekeeping/register.js";
import * as ask from "./ask/register.js";
import * as picker from "./picker/register.js";
import * as follows from "./follows/register.js";
import * as digestSettings from "./digest-settings/register.js";

type Feature = {
  register?(router: Router, deps: FeatureDeps, s: Services): void;
  /** Cron jobs the feature runs (started by the composition root). */
  schedules?: (deps: FeatureDeps, s: Services) => Schedule[];
  /** Work to do once at start-up (e.g. recover records a crash left mid-way). */
  onStart?: (deps: FeatureDeps, s: Services) => Promise<void>;
  /** The feature's job handlers, built over the worker's own database pool (and its services). */
  jobs?: (deps: FeatureDeps, s: Services) => JobHandler[];
};

// The registry: each feature maps its ids to handlers in its own register().
// help stays first; the help text lists commands in registration order.
const features: Feature[] = [
  help,
  creators,
  milestones,
  health,
  vault,
  digests,
  deliverables,
  ask,
  audit,
  roles,
  home,
  housekeeping,
  picker,
  follows,
  digestSettings,
];

export function registerFeatures(router: Router, deps: FeatureDeps, s: Services): void {
  for (const f of features) f.register?.(router, deps, s);
}

export function featureSchedules(deps: FeatureDeps, s: Services): Schedule[] {
  return features.flatMap((f) => f.schedules?.(deps, s) ?? []);
}

export function featureJobs(deps: FeatureDeps, s: Services): JobHandler[] {
  return features.flatMap((f) => f.jobs?.(deps, s) ?? []);
}

export async function startFeatures(deps: FeatureDeps, s: Services): Promise<void> {
  for (const f of features) await f.onStart?.(deps, s);
}

import type { Router } from "../slack/router.js";
import type { JobHandler } from "../jobs/job-types.js";
import type { FeatureDeps, Schedule } from "./types.js";
import * as help from "./help/register.js";
import * as roles from "./roles/register.js";
import * as creators from "./creators/register.js";
import * as milestones from "./milestones/register.js";
import * as vault from "./vault/register.js";
import * as digests from "./digests/register.js";
import * as deliverables from "./deliverables/register.js";
import * as audit from "./audit/register.js";
import * as home from "./home/register.js";

type Feature = {
  register(router: Router, deps: FeatureDeps): void;
  /** Cron jobs the feature runs (started by the composition root). */
  schedules?: (deps: FeatureDeps) => Schedule[];
  /** Work to do once at start-up (e.g. recover records a crash left mid-way). */
  onStart?: (deps: FeatureDeps) => Promise<void>;
  /** The feature's job handlers, built over the worker's own database pool. */
  jobs?: (deps: FeatureDeps) => JobHandler[];
};

// The registry: each feature maps its ids to handlers in its own register().
// help stays first; the help text lists commands in registration order.
const features: Feature[] = [help, creators, milestones, vault, digests, deliverables, audit, roles, home];

export function registerFeatures(router: Router, deps: FeatureDeps): void {
  for (const f of features) f.register(router, deps);
}

export function featureSchedules(deps: FeatureDeps): Schedule[] {
  return features.flatMap((f) => f.schedules?.(deps) ?? []);
}

export function featureJobs(deps: FeatureDeps): JobHandler[] {
  return features.flatMap((f) => f.jobs?.(deps) ?? []);
}

export async function startFeatures(deps: FeatureDeps): Promise<void> {
  for (const f of features) await f.onStart?.(deps);
}

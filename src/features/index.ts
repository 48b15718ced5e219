import type { Router } from "../slack/router.js";
import type { FeatureDeps } from "./types.js";
import * as help from "./help/register.js";
import * as roles from "./roles/register.js";

// The registry: each feature maps its ids to handlers in its own register().
// help stays first so its list follows registration order.
const features = [help, roles];

export function registerFeatures(router: Router, deps: FeatureDeps): void {
  for (const f of features) f.register(router, deps);
}

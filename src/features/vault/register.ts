import type { Router } from "../../slack/router.js";
import type { FeatureDeps } from "../types.js";

export function register(_router: Router, _deps: FeatureDeps): void {
  // Filled in by the vault feature.
}

import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../../logger.js";
import type { DigestSettingsService } from "../settings-service.js";

export type SettingsHandlerDeps = {
  settings: DigestSettingsService;
  client: WebClient;
  logger: Logger;
  /** DIGEST_CRON and DIGEST_TZ: the form's defaults before anything is saved. */
  digest: { cron: string; tz: string };
};

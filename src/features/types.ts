import type { WebClient } from "@slack/web-api";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import type { Logger } from "../logger.js";
import type { IdentityService } from "../identity/identity-service.js";
import type { SlackDirectory } from "../identity/slack-directory.js";

/** What the composition root hands every feature's register(). */
export type FeatureDeps = Readonly<{
  config: Config;
  db: Db;
  logger: Logger;
  client: WebClient;
  identity: IdentityService;
  directory: SlackDirectory;
  /** "Today" and "now" come from here so tests and jobs can move time. */
  clock: { now(): Date };
}>;

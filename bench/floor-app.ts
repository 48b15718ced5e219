// The New creator form's floor: a bare @slack/bolt app whose view handler does only what the
// contract asks of any app before it closes that form (docs/slack-interface.md: "closes as soon
// as its fields pass and the submission is stored", a creator_email in use is an inline error):
// it stores the submission with the bot's own statement (holdJobs, guarded by emailInUse: one
// INSERT, its duplicate check and its commit), then acks. No actor, role, pipeline or create.
// Started as a child process by bench/latency.ts, beside the bare app and the bot.
import { App } from "@slack/bolt";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { emailInUse } from "../src/features/creators/creator-reads.js";
import { holdJobs } from "../src/jobs/jobs-service.js";
import { createLogger } from "../src/logger.js";
import { SlackHttpReceiver } from "../src/slack/http-receiver.js";

const [signingSecret, port, databaseUrl] = process.argv.slice(2);
const logger = createLogger({ level: "warn" });
// Two connections, as the bot's ack pool has (ACK_POOL_MAX in src/bot.ts), which runs this statement there.
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const receiver = new SlackHttpReceiver({ signingSecret: signingSecret!, logger });
const app = new App({ token: "xoxb-floor", receiver, botId: "BFLOOR", botUserId: "UFLOOR", tokenVerificationEnabled: false });

type Input = { value?: string | null };
app.view(/.*/, async ({ ack, view, body }) => {
  const values = view.state.values as Record<string, Record<string, Input>>;
  const email = values.creator_email?.creator_email?.value ?? "";
  // A kind no worker claims: the bot in the same database never takes these rows over.
  const spec = { kind: "bench.floor", payload: { form: values, user: body.user.id, viewId: view.id }, maxAttempts: 1 };
  const [stored] = await holdJobs(pool, "bench-floor", [{ id: randomUUID(), spec, unless: emailInUse(email) }]);
  await ack(stored ? undefined : { response_action: "errors", errors: { creator_email: "That email is already in use." } });
});
await receiver.start(Number(port ?? 0), "127.0.0.1");
process.stdout.write(`ready ${receiver.port}\n`);
process.on(
  "SIGTERM",
  () =>
    void receiver
      .stop()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);

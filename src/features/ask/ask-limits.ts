// Every bound on one `/wl ask`, in one place. A question costs Anthropic tokens and database
// reads and holds a Slack response_url (5 uses, 30 minutes): nothing a model asks for, and
// nothing a user types, may make it unbounded.

export const ASK_LIMITS = {
  /** The question as typed (Slack allows ~4,000 characters; a question needs far fewer). */
  questionMaxChars: 500,
  /** Model turns that may call tools; the turn after the last one must answer in words. */
  maxToolRounds: 6,
  /** tool_use blocks honoured per turn; the rest get an error result. */
  maxToolCallsPerRound: 5,
  /** Input + output tokens across every turn of one question. */
  tokenBudget: 80_000,
  /** Output tokens per turn: an answer for Slack, not a document. */
  maxTokensPerTurn: 1_024,
  /** The whole question, every turn and tool included. */
  deadlineMs: 90_000,
  /** Per Anthropic attempt, until the response starts. */
  attemptTimeoutMs: 30_000,
  /** The SDK's own retries (429, 529, 5xx, connection), inside the deadline. */
  maxRetries: 2,
  /** Characters of one tool result sent back to the model (rows are dropped to fit). */
  toolResultMaxChars: 12_000,
  /** Rows a list or find returns at most, whatever the model asks for. */
  maxRows: 25,
  /** Milestones one call returns at most. */
  maxMilestones: 50,
  /** Questions one person may have in flight at once (each one is a paid model conversation). */
  maxOpenPerUser: 2,
  /** A RUNNING question older than this lost its process: its asker is told to ask again. */
  staleAfterMs: 5 * 60_000,
  /** Finished rows are kept this long (the audit log is the permanent record). */
  keepFinishedMs: 24 * 60 * 60_000,
  /** Creators with an Open button under one answer. */
  maxCitedButtons: 20,
} as const;

export type AskLimits = { -readonly [K in keyof typeof ASK_LIMITS]: number };

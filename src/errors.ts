// One error type. `message` is for logs; `userMessage` is safe to show in Slack.
export const ErrorCode = {
  Forbidden: "forbidden",
  NotFound: "not_found",
  Invalid: "invalid",
  Conflict: "conflict",
  NotConfigured: "not_configured",
  RateLimited: "rate_limited",
  Upstream: "upstream",
  Internal: "internal",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  /** Inline modal errors, keyed by block_id. */
  readonly fieldErrors: Readonly<Record<string, string>> | undefined;
  /** The user already saw `userMessage` (e.g. in a modal): record the refusal, don't say it twice. */
  readonly shownToUser: boolean;

  constructor(code: ErrorCode, opts: { message?: string; userMessage: string; fieldErrors?: Record<string, string>; cause?: unknown; shownToUser?: boolean }) {
    super(opts.message ?? opts.userMessage, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.userMessage = opts.userMessage;
    this.fieldErrors = opts.fieldErrors;
    this.shownToUser = opts.shownToUser ?? false;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export const forbidden = (userMessage: string, message?: string) => new AppError(ErrorCode.Forbidden, { userMessage, message });
export const notFound = (userMessage: string) => new AppError(ErrorCode.NotFound, { userMessage });
export const invalid = (userMessage: string, fieldErrors?: Record<string, string>) => new AppError(ErrorCode.Invalid, { userMessage, fieldErrors });

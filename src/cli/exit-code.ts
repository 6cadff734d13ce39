/** Exit codes of the gradproof command (a public contract). */
export const ExitCode = {
  /** Every check passed. */
  Pass: 0,
  /** A discrepancy (or an error verdict) was found. */
  Discrepancy: 1,
  /** Bad usage, a module that cannot be loaded, or an invalid spec. */
  Usage: 2,
  /** Interrupted (SIGINT). */
  Interrupted: 130,
} as const;

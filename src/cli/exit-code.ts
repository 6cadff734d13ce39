/** Exit codes of the gradproof command (a public contract). */
export const ExitCode = {
  /** Every check passed. */
  Pass: 0,
  /** A discrepancy or an error verdict was found, or a check had too few inputs away from a kink to compare. */
  Discrepancy: 1,
  /** Bad usage, a module that cannot be loaded, or an invalid spec. */
  Usage: 2,
  /** Interrupted (SIGINT). */
  Interrupted: 130,
} as const;

/** The exit code of a finished run or merge: 0 only when every check passed. */
export function exitCodeOf(summary: { failed: number; errors: number; nondifferentiable: number }): number {
  return summary.failed + summary.errors + summary.nondifferentiable > 0 ? ExitCode.Discrepancy : ExitCode.Pass;
}

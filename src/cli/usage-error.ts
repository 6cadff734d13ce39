/** Bad usage of the command line: reported on one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

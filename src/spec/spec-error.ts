/** An invalid spec: names the spec and every problem found, on one line. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    /** The spec's name, or a label such as 'default export[2]' when it has none. */
    readonly spec: string,
    /** One "field problem" phrase each, e.g. 'dims.m has min 3 > max 1'. */
    readonly problems: readonly string[],
    /** Where the spec was found, e.g. 'fixtures/dense.ts'. */
    readonly where?: string,
  ) {
    super(`gradproof: spec ${spec}${where ? ` in ${where}` : ''}: ${problems.join('; ')}`);
  }
}

/** A spec module that cannot be found, loaded, or that exports no specs. */
export class ModuleLoadError extends Error {
  override name = 'ModuleLoadError';
}

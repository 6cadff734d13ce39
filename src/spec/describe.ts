/** A short description of a value for error messages: 3, "abc", an array of length 2, a function, an object. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) {
    const text = `[${value.map((v) => (typeof v === 'number' || typeof v === 'string' ? show(v) : '…')).join(', ')}]`;
    return text.length <= 40 ? text : `an array of length ${value.length}`;
  }
  return `an object (${(value as object).constructor?.name ?? 'Object'})`;
}

/** The closest of the candidates to a misspelt name (a small edit distance for its length), or undefined. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  // Short names are too close to everything: allow no edit below 3 letters, one below 5, else two.
  const allowed = name.length < 3 ? 0 : name.length < 5 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

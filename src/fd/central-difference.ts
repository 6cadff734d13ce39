/** Central difference (f(x+h) − f(x−h)) / width, where width is the stored distance x+h − (x−h). */
export function centralDifference(fPlus: number, fMinus: number, width: number): number {
  return (fPlus - fMinus) / width;
}

/** Forward difference (f(x+h) − f(x)) / h. */
export function forwardDifference(fPlus: number, f0: number, h: number): number {
  return (fPlus - f0) / h;
}

/** Backward difference (f(x) − f(x−h)) / h. */
export function backwardDifference(f0: number, fMinus: number, h: number): number {
  return (f0 - fMinus) / h;
}

// Whether dist/ is a build of the current src/, so that a source checkout may run it instead of compiling src/
// through tsx (a stale build must never run).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = /^(?!.*\.d\.[cm]?ts$)(?!.*\.(?:test|fixture)\.[cm]?ts$)(.*)\.([cm]?)ts$/;
const BUILT = /^(.*)\.([cm]?)js$/;

/** Calls visit(path relative to dir, full path) for each file under dir. */
function walk(dir, visit, prefix = '') {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) walk(join(dir, entry.name), visit, `${rel}/`);
    else if (entry.isFile()) visit(rel, join(dir, entry.name));
  }
}

/**
 * True when dist/ under root holds exactly the modules that src/ builds to (tests and fixtures aside) and every
 * one of them was written after the newest source was last changed; false otherwise, and when either is missing.
 * @param {string} root the package root (holding src/ and dist/)
 * @returns {boolean}
 */
export function distIsFresh(root) {
  try {
    const sources = new Set();
    let newestSource = -Infinity;
    walk(join(root, 'src'), (rel, full) => {
      const m = SOURCE.exec(rel);
      if (!m) return;
      sources.add(`${m[1]}.${m[2]}js`);
      newestSource = Math.max(newestSource, statSync(full).mtimeMs);
    });
    let built = 0;
    let oldestBuild = Infinity;
    let orphan = false;
    walk(join(root, 'dist'), (rel, full) => {
      if (!BUILT.test(rel)) return;
      if (!sources.has(rel)) orphan = true;
      built++;
      oldestBuild = Math.min(oldestBuild, statSync(full).mtimeMs);
    });
    return sources.size > 0 && !orphan && built === sources.size && oldestBuild > newestSource;
  } catch {
    return false;
  }
}

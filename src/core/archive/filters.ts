import path from 'node:path';
import { FreezerError } from '../errors';
import { regexProblem } from '../words';

/** Editor and build leftovers the original tool skipped, matched against a file's BASE name. */
export const DEFAULT_BACKUP_PATTERNS: readonly RegExp[] = [/~$/, /\.o$/, /\.pyc$/, /\.bak$/, /\.Po?$/, /^#.*#$/, /^~/];

/** True when the base name of `name` (a path or a bare name) matches one of the backup patterns. */
export function matchesBackupPattern(name: string, patterns: readonly RegExp[] = DEFAULT_BACKUP_PATTERNS): boolean {
  const base = path.basename(name);
  return patterns.some((re) => test(re, base));
}

/** True when the full path matches one of the user's exclusion regexes (as the original tool applied them). */
export function matchesExclusionPath(p: string, regexes: readonly RegExp[]): boolean {
  return regexes.some((re) => test(re, p));
}

// A /g or /y regex keeps lastIndex between calls; reset it so results do not depend on call history.
function test(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

/** Compiles a user-typed regex (JavaScript syntax, no slashes); an invalid one gets an error naming it. */
export function compileUserRegex(src: string): RegExp {
  try {
    return new RegExp(src, 'u');
  } catch (e) {
    try {
      return new RegExp(src);
    } catch {
      throw new FreezerError('InvalidRegex', `The exclusion pattern ${JSON.stringify(src)} is not a valid regular expression: ${regexProblem(e)}`, { cause: e });
    }
  }
}

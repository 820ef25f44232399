/**
 * Original file paths as the catalogue stores them: split into folder segments so one folder level
 * is an indexed lookup. POSIX paths keep their leading '/', Windows paths their drive ("C:/Users/…");
 * backslashes of Windows paths become '/'.
 */
const DRIVE = /^[A-Za-z]:$/;

export function splitCataloguePath(p: string): string[] {
  const windows = /^[A-Za-z]:([\\/]|$)/.test(p) || p.startsWith('\\\\');
  const segs: string[] = [];
  for (const s of (windows ? p.replace(/\\/g, '/') : p).split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segs.pop();
    else segs.push(s);
  }
  return segs;
}

export function joinCataloguePath(segs: readonly string[]): string {
  if (segs.length && DRIVE.test(segs[0])) return `${segs[0]}/${segs.slice(1).join('/')}`;
  return `/${segs.join('/')}`;
}

/** The canonical form of a path ("/a/b", "C:/x"), as returned by every catalogue query. */
export function normalizeCataloguePath(p: string): string {
  return joinCataloguePath(splitCataloguePath(p));
}

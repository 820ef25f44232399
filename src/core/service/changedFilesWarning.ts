import type { ArchiveInfo } from './types';

/** The warning a front end shows after a freeze that stored files which changed while being read. */
export function changedFilesWarning(info: Pick<ArchiveInfo, 'name' | 'changedFiles'>, shown = 5): string | undefined {
  const c = info.changedFiles ?? [];
  if (!c.length) return undefined;
  const list = c.slice(0, shown).join(', ') + (c.length > shown ? ` and ${c.length - shown} more` : '');
  return `${c.length} file${c.length === 1 ? '' : 's'} changed while "${info.name}" was being frozen and ${c.length === 1 ? 'is' : 'are'} stored as read, not as a clean copy: ${list}. Freeze ${c.length === 1 ? 'it' : 'them'} again when nothing is writing to ${c.length === 1 ? 'it' : 'them'}.`;
}

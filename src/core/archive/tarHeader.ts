import type { Header } from 'tar-stream';
import type { SourceFile } from './walk';

/**
 * The tar header Freezer writes for a source. tar-stream picks the encoding: ustar when it fits, a PAX
 * header for long or non-ASCII names, base-256 for sizes beyond 8 GiB; mtimes are whole seconds.
 */
export function tarHeaderFor(s: Pick<SourceFile, 'memberPath' | 'type' | 'size' | 'mode' | 'mtimeMs'>): Partial<Header> & Pick<Header, 'name'> {
  return {
    // Folders end in '/' as GNU tar writes them.
    name: s.type === 'directory' ? `${s.memberPath}/` : s.memberPath,
    size: s.type === 'file' ? s.size : 0,
    mode: s.mode & 0o7777,
    mtime: new Date(Math.floor(s.mtimeMs / 1000) * 1000),
    type: s.type,
  };
}

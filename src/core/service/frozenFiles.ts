import path from 'node:path';
import type { FrameIndex } from '../archive/frameIndex';
import type { ArchiveRecord } from '../catalogue';
import { legacyMemberPath } from './restoreOperation';
import type { ServiceContext } from './serviceContext';
import type { ArchiveState, FileVersion, FrozenEntry } from './types';
import { archiveName } from './viewModels';

/** One level of the frozen-file hierarchy (by original path): sub-folders first, then files. */
export async function listFrozen(ctx: ServiceContext, folder: string): Promise<FrozenEntry[]> {
  const l = await ctx.catalogue.listFolder(folder);
  return [
    ...l.folders.map((f): FrozenEntry => ({ kind: 'folder', path: f.path, name: f.name, fileCount: f.fileCount })),
    ...l.files.map((f): FrozenEntry => ({ kind: 'file', path: f.path, name: f.name, versionCount: f.versions })),
  ];
}

/** Every version of a frozen file, newest first, with where it lives and the state of its archive. */
export async function listVersions(ctx: ServiceContext, file: string): Promise<FileVersion[]> {
  const versions = await ctx.catalogue.versionsOf(file);
  const archives = new Map<number, { a: ArchiveRecord; state: ArchiveState; index?: FrameIndex }>();
  const out: FileVersion[] = [];
  for (const v of versions) {
    let info = archives.get(v.archiveId);
    if (!info) {
      const a = await ctx.requireArchive(v.archiveId);
      info = { a, state: await ctx.stateOf(a), index: (await ctx.catalogue.getFrameIndex(a.id)) as FrameIndex | undefined };
      archives.set(v.archiveId, info);
    }
    const memberPath = (v.tarOffset !== null ? info.index?.members.find((m) => m.tarOffset === v.tarOffset)?.path : undefined) ?? legacyMemberPath(v.path);
    out.push({
      path: v.path,
      name: path.posix.basename(v.path),
      size: v.size,
      sha256: v.sha256,
      ...(v.mtimeMs !== null ? { mtimeMs: v.mtimeMs } : {}),
      archiveId: v.archiveId,
      archiveName: archiveName(info.a),
      vault: v.vaultName,
      frozenAt: v.archived,
      ...(v.changed ? { changedDuringFreeze: true as const } : {}),
      memberPath,
      archiveState: info.state,
    });
  }
  return out;
}

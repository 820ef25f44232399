/**
 * Messages between the archive builder panel and its webview. Imported by both sides: types and
 * constants only (no `vscode`, no DOM, no Node).
 */
import type { Compression } from '../../core/archive/description';
import type { KeyAlgorithm } from '../../core/crypto/keys';

export const BUILDER_VIEW_TYPE = 'freezer.archiveBuilder';
export const BUILDER_PANEL = 'archiveBuilder';

/** Why a file is filtered out, as bits (compact for 100,000 rows). `regex` is applied in the webview. */
export const REASON = { alreadyFrozen: 1, backup: 2, exclusionPath: 4, manual: 8, regex: 16 } as const;
export type ReasonName = keyof typeof REASON;

/** One listed file: [absolute path, size in bytes, REASON bits, last archive holding it, its path there]. */
export type Row = [path: string, size: number, reasons: number, frozenArchive?: string, frozenPath?: string];

export interface KeyChoice {
  id: string;
  label: string;
  algorithm: KeyAlgorithm;
  isDefault: boolean;
  legacy: boolean;
}

/** The archive a read-only builder shows (an existing archive: nothing can be changed). */
export interface ArchiveView {
  id: number;
  name: string;
  vault: string;
  /** Glacier description as stored. */
  description: string;
  compression: Compression;
  /** "None", or the format and key label. */
  encryption: string;
  state: string;
  fileCount: number;
  localFile?: string;
}

/** Largest page of members the webview asks for at once. */
export const MEMBERS_PAGE = 5000;

export interface BuilderInit {
  /** Set when the panel shows an existing archive (`freezer.showArchive`): nothing can be changed. */
  readOnly?: true;
  /** The archive shown read-only (missing when it could not be read: see `problem`). */
  archive?: ArchiveView;
  /** False when Freezer is not set up yet (the panel explains and offers the settings). */
  configured: boolean;
  /** Set when the service could not start or list vaults. */
  problem?: string;
  vaults: string[];
  /** Preselected vault (from the Vaults view item the command ran on). */
  vault?: string;
  keys: KeyChoice[];
  compressions: Compression[];
  compression: Compression;
  uploadFolder: string;
  /** Files and folders the command was started with; the webview scans them unless it restores its own. */
  preselect: string[];
  maxDescription: number;
}

export interface ScanResult {
  /** The sources this scan covered (absolute paths). */
  sources: string[];
  rows: Row[];
}

export interface ScanOptions {
  /** Also find files already frozen (needs every file's SHA-256; cached in the catalogue). */
  alreadyFrozen: boolean;
}

export interface DescriptionPreview {
  text: string;
  length: number;
  max: number;
  /** Set when the text does not fit (the name will be shortened) or cannot be formed. */
  warning?: string;
}

export interface ApplyParams {
  vault: string;
  name: string;
  compression: Compression;
  /** null: no encryption. */
  keyId: string | null;
  sources: string[];
  /** Absolute paths of the files to pack; each must be one the host listed. */
  selected: string[];
  /** Files the user unselected by hand (remembered as manual exclusions). */
  manuallyExcluded: string[];
}

/** What the archive would take once stored, for the live summary (measured on a sample of the selection). */
export interface EstimateParams {
  compression: Compression;
  /** Encrypted with fzr1 (a key is chosen). */
  encrypted: boolean;
  sources: string[];
  /** Absolute paths of the selected files; each must be one the host listed. */
  selected: string[];
}

export interface SizeEstimateView {
  bytes: number;
  sampledBytes: number;
  sampledFiles: number;
  /** A newer request cancelled this one: no figure (the webview waits for the newer answer). */
  superseded?: true;
}

/** Webview → extension requests: method → params and result. */
export interface BuilderRequests {
  ready: { params: Record<string, never>; result: BuilderInit };
  /** Opens the file (or folder) picker and lists what was picked; null when the picker was dismissed. */
  addFiles: { params: ScanOptions; result: ScanResult | null };
  addFolders: { params: ScanOptions; result: ScanResult | null };
  /** Lists sources again: after a reload, or with `alreadyFrozen` when that filter is turned on (hashes every file). */
  scan: { params: ScanOptions & { sources: string[] }; result: ScanResult };
  previewDescription: { params: { name: string; compression: Compression; keyId: string | null }; result: DescriptionPreview };
  chooseOutput: { params: Record<string, never>; result: { uploadFolder: string } | null };
  openSettings: { params: Record<string, never>; result: null };
  apply: { params: ApplyParams; result: { started: true } };
  /** Estimates the stored size; a newer request cancels the one still running (it fails with Cancelled). */
  estimateSize: { params: EstimateParams; result: SizeEstimateView };
  /** A page of the shown archive's files (read-only panel only): rows carry no filter bits. */
  members: { params: { offset: number; limit: number }; result: { rows: Row[]; total: number } };
}

/** Extension → webview events. */
export interface BuilderEvents {
  vaults: { vaults: string[] };
  keys: { keys: KeyChoice[] };
  scanProgress: { files: number };
}

export const COMPRESSIONS: readonly Compression[] = ['zstd', 'gzip', 'bzip2', 'none'];

/** What the webview keeps with setState (restored after hide/show and reload). */
export interface BuilderState {
  version: 1;
  /** Set in the read-only panel: the archive shown (the other fields are then unused). */
  archiveId?: number;
  sources: string[];
  vault: string;
  name: string;
  compression: Compression;
  keyId: string | null;
  filters: { alreadyFrozen: boolean; backup: boolean; exclusionPath: boolean; manual: boolean };
  regex: string;
  /** Paths unselected by hand, and paths selected by hand despite a filter. */
  manual: string[];
  forced: string[];
  /** Paths removed with "Remove unselected". */
  removed: string[];
  scrollTop: number;
}

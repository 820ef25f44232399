/** The archive builder's webview: fields, filters, regex filter, summary and the virtualized file list. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatBytes, formatDuration } from '../../shared/format';
import { connect } from '../../shared/app/rpc';
import { byIds, setOptions, showMessage, type MessageKind } from '../../shared/app/dom';
import { VirtualList } from '../../shared/app/virtualList';
import {
  MEMBERS_PAGE, REASON, type ArchiveView, type BuilderEvents, type BuilderInit, type BuilderRequests, type BuilderState, type KeyChoice, type Row, type ScanResult,
} from '../protocol';
import type { Compression } from '../../../core/archive/description';
import { activeMask, allReasons, HAND, handFor, isSelected as selectedBy, reasonLabel } from '../selection';

type Field = HTMLElement & { value: string; disabled: boolean };
type Check = HTMLElement & { checked: boolean };
type Button = HTMLElement & { disabled: boolean };

const ROW_HEIGHT = 22;
const BY_HAND_SELECTED = HAND.selected;
const BY_HAND_EXCLUDED = HAND.excluded;

const rpc = connect<BuilderRequests, BuilderEvents>();

const ui = {
  ...byIds()('problem', 'toolbar', 'regexSection', 'caveat', 'hint', 'problemText', 'output', 'description', 'descriptionLength', 'descriptionWarning', 'message', 'summary', 'list', 'spacer', 'empty'),
  ...byIds<Button>()('openSettings', 'addFiles', 'addFolders', 'removeUnselected', 'apply', 'chooseOutput', 'applyRegex', 'clearRegex'),
  ...byIds<Check>()('fAlreadyFrozen', 'fBackup', 'fExclusion', 'fManual'),
  ...byIds<Field>()('name', 'vault', 'compression', 'key', 'regex'),
};

// ---- model ----
let init: BuilderInit | undefined;
let rows: Row[] = [];
let byPath = new Map<string, number>();
let hand = new Uint8Array(0);
let regexHit = new Uint8Array(0);
let regexApplied = '';
const sources: string[] = [];
let frozenKnown = false;
let keys: KeyChoice[] = [];
/** The focused row, the rows highlighted with it (Space toggles them all) and where a Shift range starts. */
let active = -1;
let highlighted = new Set<number>();
let anchor = -1;
let busy = false;
let commonPrefix = '';
/** Showing an existing archive: no selection, no filters, no actions. */
let readOnly = false;
let shownArchive: number | undefined;

function activeBits(): number {
  return activeMask({
    alreadyFrozen: ui.fAlreadyFrozen.checked, backup: ui.fBackup.checked, exclusionPath: ui.fExclusion.checked, manual: ui.fManual.checked, regex: !!regexApplied,
  });
}

function bitsOf(i: number): number {
  return allReasons(rows[i][2], hand[i], regexHit[i] === 1);
}

function isSelected(i: number, mask = activeBits()): boolean {
  return selectedBy(bitsOf(i), hand[i], mask);
}

function computePrefix(paths: readonly string[] = sources): void {
  if (!paths.length) {
    commonPrefix = '';
    return;
  }
  const parents = paths.map((s) => s.replace(/[\\/][^\\/]*$/, ''));
  let p = parents[0];
  for (const q of parents) while (p && !(q === p || q.startsWith(p + '/') || q.startsWith(p + '\\'))) p = p.replace(/[\\/][^\\/]*$/, '');
  commonPrefix = p ? p + '/' : '';
}

// ---- list ----
const list = new VirtualList(ui.list, ui.spacer, {
  rowHeight: ROW_HEIGHT,
  count: () => rows.length,
  render(el, i) {
    const [p, size, , frozenArchive, frozenPath] = rows[i];
    const mask = activeBits();
    const sel = isSelected(i, mask);
    el.className = `vrow${sel ? ' selected' : ' unselected'}${i === active ? ' active' : ''}${highlighted.has(i) ? ' highlighted' : ''}`;
    el.setAttribute('aria-selected', String(sel));
    el.title = p;
    // Focus stays on the list; screen readers follow the focused row through aria-activedescendant.
    el.id = `file-row-${i}`;
    if (i === active) ui.list.setAttribute('aria-activedescendant', el.id);
    let check = el.firstElementChild as HTMLElement | null;
    if (!check) {
      for (const c of ['c-check', 'c-path', 'c-size', 'c-why', 'c-frozen']) {
        const span = document.createElement('span');
        span.className = c;
        el.appendChild(span);
      }
      check = el.firstElementChild as HTMLElement;
    }
    const cells = el.children as HTMLCollectionOf<HTMLElement>;
    cells[0].textContent = readOnly ? '' : sel ? '☑' : '☐';
    if (readOnly) cells[0].removeAttribute('role');
    else {
      cells[0].setAttribute('role', 'checkbox');
      cells[0].setAttribute('aria-checked', String(sel));
      cells[0].setAttribute('aria-label', `Include ${p.replace(/^.*[\\/]/, '')}`);
    }
    cells[1].textContent = p.startsWith(commonPrefix) ? p.slice(commonPrefix.length) : p;
    cells[2].textContent = formatBytes(size);
    // Only filters that are on: a label naming a filter switched off would explain nothing.
    cells[3].textContent = reasonLabel(bitsOf(i), hand[i], mask);
    const fp = frozenPath ?? '';
    cells[4].textContent = frozenArchive ? `${frozenArchive}: ${fp.startsWith(commonPrefix) ? fp.slice(commonPrefix.length) : fp}` : '';
    cells[4].title = frozenArchive ? `${frozenArchive}: ${fp}` : '';
  },
  onScroll: () => saveSoon(),
});

/** Gives every row in `which` the opposite of the first one's selection (so a mixed set ends alike). */
function toggle(which: readonly number[]): void {
  if (readOnly) return;
  const valid = which.filter((i) => i >= 0 && i < rows.length);
  if (!valid.length) return;
  const mask = activeBits();
  const select = !isSelected(valid[0], mask);
  for (const i of valid) hand[i] = handFor(select, allReasons(rows[i][2], HAND.none, regexHit[i] === 1), mask);
  changed();
}

/** Space acts on the focused row, or on every highlighted row when it is one of several. */
function toggleFocused(): void {
  if (active < 0) return;
  toggle(highlighted.size > 1 && highlighted.has(active) ? [active, ...[...highlighted].filter((i) => i !== active)] : [active]);
}

function highlightRange(from: number, to: number): void {
  highlighted = new Set();
  for (let i = Math.min(from, to); i <= Math.max(from, to); i++) highlighted.add(i);
}

function focusRow(i: number, how: { range?: boolean; add?: boolean } = {}): void {
  if (how.range && anchor >= 0) highlightRange(anchor, i);
  else if (how.add) {
    if (highlighted.has(i) && highlighted.size > 1) highlighted.delete(i);
    else highlighted.add(i);
    anchor = i;
  } else {
    highlighted = new Set([i]);
    anchor = i;
  }
  active = i;
}

ui.list.addEventListener('click', (ev) => {
  const i = list.indexOf(ev.target);
  if (i === undefined) return;
  if ((ev.target as HTMLElement).closest('.c-check')) {
    // The check box column toggles its own row, whatever else is highlighted.
    active = i;
    toggle([i]);
    return;
  }
  focusRow(i, { range: ev.shiftKey, add: ev.ctrlKey || ev.metaKey });
  list.refresh();
});
ui.list.addEventListener('dblclick', (ev) => {
  const i = list.indexOf(ev.target);
  // Two clicks on the check box already toggled it twice.
  if (i === undefined || (ev.target as HTMLElement).closest('.c-check')) return;
  focusRow(i);
  toggle([i]);
});
ui.list.addEventListener('keydown', (ev: KeyboardEvent) => {
  if (!rows.length) return;
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp' || ev.key === 'Home' || ev.key === 'End' || ev.key === 'PageDown' || ev.key === 'PageUp') {
    const page = Math.max(1, Math.floor(ui.list.clientHeight / ROW_HEIGHT) - 1);
    const delta = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -rows.length, End: rows.length }[ev.key] ?? 0;
    focusRow(Math.min(rows.length - 1, Math.max(0, (active < 0 ? 0 : active) + delta)), { range: ev.shiftKey });
    list.reveal(active);
    ev.preventDefault();
  } else if (ev.key === ' ' && active >= 0) {
    toggleFocused();
    ev.preventDefault();
  } else if (ev.key === 'a' && (ev.ctrlKey || ev.metaKey) && !readOnly) {
    highlightRange(0, rows.length - 1);
    if (active < 0) active = 0;
    list.refresh();
    ev.preventDefault();
  }
});

// ---- summary, description ----
/** Rough speeds for the time estimate: packing (read, compress, encrypt) and upload. */
const PACK_BYTES_PER_S = 40 * 1024 * 1024;
const UPLOAD_BYTES_PER_S = 10 * 1024 * 1024;

/**
 * The stored size comes from the host, which samples the selected files with the archive's codec. Each
 * change of what is frozen (or how) bumps `version`; an answer for an older version is dropped.
 */
const sizeEstimate = { version: 0, asked: -1, shown: -1, bytes: Number.NaN, timer: undefined as ReturnType<typeof setTimeout> | undefined };

function estimateChanged(): void {
  sizeEstimate.version++;
}

function askEstimateSoon(): void {
  clearTimeout(sizeEstimate.timer);
  sizeEstimate.timer = setTimeout(() => {
    const version = sizeEstimate.version;
    sizeEstimate.asked = version;
    const mask = activeBits();
    const selected: string[] = [];
    for (let i = 0; i < rows.length; i++) if (isSelected(i, mask)) selected.push(rows[i][0]);
    const done = (bytes: number): void => {
      if (version !== sizeEstimate.version) return;
      sizeEstimate.shown = version;
      sizeEstimate.bytes = bytes;
      updateSummary();
    };
    rpc.call('estimateSize', { compression: (ui.compression.value || 'zstd') as Compression, encrypted: !!ui.key.value, sources, selected })
      .then((r) => { if (!r.superseded) done(r.bytes); }, () => done(Number.NaN));
  }, 250);
}

function estimateText(): string {
  if (sizeEstimate.shown !== sizeEstimate.version) return 'estimating the archive size…';
  return Number.isNaN(sizeEstimate.bytes) ? 'archive size not estimated' : `archive about ${formatBytes(sizeEstimate.bytes)}`;
}

function updateSummary(): void {
  const mask = activeBits();
  let n = 0;
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    if (isSelected(i, mask)) {
      n++;
      bytes += rows[i][1];
    }
  }
  if (readOnly) {
    ui.summary.textContent = `${rows.length.toLocaleString('en-US')} files · ${formatBytes(bytes)} before compression · read-only view of an existing archive`;
    ui.empty.hidden = rows.length > 0;
    return;
  }
  if (n && sizeEstimate.asked !== sizeEstimate.version) askEstimateSoon();
  const stored = sizeEstimate.shown === sizeEstimate.version && !Number.isNaN(sizeEstimate.bytes) ? sizeEstimate.bytes : bytes;
  const seconds = bytes / PACK_BYTES_PER_S + stored / UPLOAD_BYTES_PER_S + n * 0.002;
  ui.summary.textContent = rows.length
    ? `${n.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} files selected · ${formatBytes(bytes)}${n ? ` · ${estimateText()} · about ${formatDuration(seconds)} to build and upload` : ''}`
    : 'No files yet.';
  ui.empty.hidden = rows.length > 0;
  ui.apply.disabled = busy || n === 0 || !ui.vault.value;
}

let previewTimer: ReturnType<typeof setTimeout> | undefined;
function updateDescriptionSoon(): void {
  if (readOnly) return;
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    try {
      const p = await rpc.call('previewDescription', { name: ui.name.value, compression: (ui.compression.value || 'zstd') as Compression, keyId: ui.key.value || null });
      ui.description.textContent = p.text;
      ui.descriptionLength.textContent = `${p.length} / ${p.max} characters`;
      ui.descriptionWarning.textContent = p.warning ?? '';
      ui.descriptionWarning.classList.toggle('hidden', !p.warning);
    } catch (e) {
      ui.descriptionWarning.textContent = (e as Error).message;
      ui.descriptionWarning.classList.remove('hidden');
    }
  }, 150);
}

function say(text: string, kind: MessageKind = 'info'): void {
  showMessage(ui.message, text, kind);
}

// ---- state ----
let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveSoon(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(save, 200);
}
const removed = new Set<string>();
function save(): void {
  const manual: string[] = [];
  const forced: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (hand[i] === BY_HAND_EXCLUDED) manual.push(rows[i][0]);
    else if (hand[i] === BY_HAND_SELECTED) forced.push(rows[i][0]);
  }
  const state: BuilderState = {
    version: 1, ...(shownArchive === undefined ? {} : { archiveId: shownArchive }), sources: readOnly ? [] : sources, vault: ui.vault.value, name: ui.name.value, compression: (ui.compression.value || 'zstd') as Compression,
    keyId: ui.key.value || null,
    filters: { alreadyFrozen: ui.fAlreadyFrozen.checked, backup: ui.fBackup.checked, exclusionPath: ui.fExclusion.checked, manual: ui.fManual.checked },
    regex: regexApplied, manual, forced, removed: [...removed], scrollTop: ui.list.scrollTop,
  };
  rpc.setState(state);
}

function changed(): void {
  estimateChanged();
  list.refresh();
  updateSummary();
  saveSoon();
}

// ---- rows ----
function mergeScan(r: ScanResult): void {
  for (const s of r.sources) if (!sources.includes(s)) sources.push(s);
  computePrefix();
  const next = rows.slice();
  const nextHand = Array.from(hand);
  for (const row of r.rows) {
    if (removed.has(row[0])) removed.delete(row[0]);
    const at = byPath.get(row[0]);
    if (at !== undefined) next[at] = row;
    else {
      byPath.set(row[0], next.length);
      next.push(row);
      nextHand.push(0);
    }
  }
  rows = next;
  hand = Uint8Array.from(nextHand);
  regexHit = new Uint8Array(rows.length);
  if (regexApplied) markRegex(regexApplied);
  changed();
}

function markRegex(src: string): number {
  const re = new RegExp(src, 'u');
  regexHit = new Uint8Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) if (re.test(rows[i][0])) { regexHit[i] = 1; n++; }
  return n;
}

async function withBusy<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  busy = true;
  for (const b of [ui.addFiles, ui.addFolders, ui.apply]) b.disabled = true;
  if (what) say(what);
  try {
    return await fn();
  } catch (e) {
    say((e as Error).message, 'error');
    return undefined;
  } finally {
    busy = false;
    ui.addFiles.disabled = false;
    ui.addFolders.disabled = false;
    if (ui.message.textContent === what) say('');
    updateSummary();
  }
}

// ---- toolbar ----
ui.addFiles.addEventListener('click', () => void withBusy('', async () => {
  const r = await rpc.call('addFiles', { alreadyFrozen: ui.fAlreadyFrozen.checked });
  if (r) mergeScan(r);
}));
ui.addFolders.addEventListener('click', () => void withBusy('', async () => {
  const r = await rpc.call('addFolders', { alreadyFrozen: ui.fAlreadyFrozen.checked });
  if (r) mergeScan(r);
}));

function onFilterToggled(bit: number): void {
  // A filter toggles the selection of the files it matches: hand-made choices on them give way.
  for (let i = 0; i < rows.length; i++) if (bitsOf(i) & bit) hand[i] = 0;
  changed();
}
ui.fBackup.addEventListener('change', () => onFilterToggled(REASON.backup));
ui.fExclusion.addEventListener('change', () => onFilterToggled(REASON.exclusionPath));
ui.fManual.addEventListener('change', () => onFilterToggled(REASON.manual));
ui.fAlreadyFrozen.addEventListener('change', () => {
  if (ui.fAlreadyFrozen.checked && !frozenKnown && sources.length) {
    void withBusy('Hashing files to find those already frozen…', async () => {
      const r = await rpc.call('scan', { sources, alreadyFrozen: true });
      frozenKnown = true;
      mergeScan(r);
      onFilterToggled(REASON.alreadyFrozen);
    });
  } else onFilterToggled(REASON.alreadyFrozen);
});

ui.removeUnselected.addEventListener('click', () => {
  const mask = activeBits();
  const keep: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (isSelected(i, mask)) keep.push(i);
    else removed.add(rows[i][0]);
  }
  const dropped = rows.length - keep.length;
  rows = keep.map((i) => rows[i]);
  hand = Uint8Array.from(keep.map((i) => hand[i]));
  regexHit = Uint8Array.from(keep.map((i) => regexHit[i]));
  byPath = new Map(rows.map((r, i) => [r[0], i]));
  active = -1;
  highlighted = new Set();
  anchor = -1;
  say(dropped ? `Removed ${dropped.toLocaleString('en-US')} unselected files from this archive.` : 'Every listed file is selected: nothing to remove.');
  changed();
});

ui.applyRegex.addEventListener('click', () => applyRegex());
ui.regex.addEventListener('keydown', (ev: Event) => { if ((ev as KeyboardEvent).key === 'Enter') applyRegex(); });
function applyRegex(): void {
  const src = ui.regex.value.trim();
  if (!src) {
    say('No filter was entered: type a regular expression (matched against the full path), then Apply Filter.', 'warning');
    return;
  }
  let n: number;
  try {
    n = markRegex(src);
  } catch (e) {
    say(`Not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression:\s*/i, '')}`, 'error');
    return;
  }
  regexApplied = src;
  for (let i = 0; i < rows.length; i++) if (regexHit[i]) hand[i] = 0;
  say(`Filter /${src}/ unselected ${n.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} files. Click a file's check box, double-click it, or press Space to change its selection.`);
  changed();
}
ui.clearRegex.addEventListener('click', () => {
  regexApplied = '';
  regexHit = new Uint8Array(rows.length);
  ui.regex.value = '';
  say('Filter cleared.');
  changed();
});

ui.chooseOutput.addEventListener('click', async () => {
  const r = await rpc.call('chooseOutput', {}).catch((e: Error) => { say(e.message, 'error'); return null; });
  if (r) ui.output.textContent = r.uploadFolder;
});

for (const el of [ui.name, ui.compression, ui.key]) {
  // Compression and encryption change the stored size; the name does not.
  const how = el !== ui.name;
  el.addEventListener('input', () => { if (how) estimateChanged(); updateDescriptionSoon(); updateSummary(); saveSoon(); });
  el.addEventListener('change', () => { if (how) estimateChanged(); updateDescriptionSoon(); updateSummary(); saveSoon(); });
}
ui.vault.addEventListener('change', () => { updateSummary(); saveSoon(); });

ui.apply.addEventListener('click', () => {
  if (busy) return;
  const name = ui.name.value.trim();
  if (!name) {
    say('Give the archive a name first.', 'warning');
    return;
  }
  const mask = activeBits();
  const selected: string[] = [];
  const manuallyExcluded: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (isSelected(i, mask)) selected.push(rows[i][0]);
    else if (hand[i] === BY_HAND_EXCLUDED) manuallyExcluded.push(rows[i][0]);
  }
  void withBusy('Starting…', async () => {
    await rpc.call('apply', {
      vault: ui.vault.value, name, compression: (ui.compression.value || 'zstd') as Compression, keyId: ui.key.value || null,
      sources, selected, manuallyExcluded,
    });
    say('Freezing started: follow it in the notification and in the Vaults view.');
  });
});

// ---- lists from the host ----
function showVaults(vaults: string[], preferred?: string): void {
  const current = preferred ?? ui.vault.value;
  const value = vaults.includes(current) ? current : vaults[0] ?? '';
  setOptions(ui.vault, vaults.length ? vaults.map((v) => ({ value: v, label: v })) : [{ value: '', label: 'No vault yet: create one in the Vaults view' }], value);
  setTimeout(updateSummary, 10);
}

function showKeys(list: KeyChoice[], preferred?: string | null): void {
  keys = list;
  const usable = keys.filter((k) => k.algorithm === 'AES-256');
  const def = usable.find((k) => k.isDefault)?.id ?? '';
  const current = preferred !== undefined ? preferred ?? '' : ui.key.value || def;
  const options = [
    { value: '', label: 'None (not encrypted)' },
    ...keys.map((k) => ({
      value: k.id,
      label: `${k.label || k.id} · ${k.algorithm}${k.isDefault ? ' · default' : ''}${k.algorithm !== 'AES-256' ? ' · legacy, read-only' : ''}`,
      disabled: k.algorithm !== 'AES-256',
    })),
  ];
  setOptions(ui.key, options, usable.some((k) => k.id === current) ? current : '');
  estimateChanged();
  updateDescriptionSoon();
  updateSummary();
}

rpc.on('vaults', (d) => { if (!readOnly) showVaults(d.vaults); });
rpc.on('keys', (d) => { if (!readOnly) showKeys(d.keys); });

// ---- read-only view of an existing archive ----
function enterReadOnly(): void {
  readOnly = true;
  document.body.dataset.readonly = 'true';
  for (const el of [ui.toolbar, ui.regexSection, ui.caveat, ui.hint, ui.chooseOutput, ui.descriptionWarning]) el.classList.add('hidden');
  for (const el of [ui.name, ui.vault, ui.compression, ui.key]) {
    el.disabled = true;
    el.setAttribute('aria-readonly', 'true');
  }
  ui.list.removeAttribute('aria-multiselectable');
  ui.empty.textContent = 'This archive holds no files.';
}

async function showArchive(a: ArchiveView, saved: BuilderState | undefined): Promise<void> {
  shownArchive = a.id;
  ui.name.value = a.name;
  setOptions(ui.vault, [{ value: a.vault, label: a.vault }], a.vault);
  setOptions(ui.compression, [{ value: a.compression, label: a.compression === 'none' ? 'none (tar only)' : a.compression }], a.compression);
  setOptions(ui.key, [{ value: 'archive', label: a.encryption }], 'archive');
  ui.output.textContent = a.localFile ?? 'No local copy: the archive is in Glacier only';
  ui.description.textContent = a.description;
  ui.descriptionLength.textContent = `${a.description.length} / ${init?.maxDescription ?? 1024} characters`;
  ui.list.setAttribute('aria-label', `Files of archive ${a.name}`);
  // Pages keep each message small; 100,000 files arrive in 20 steps.
  const loaded: Row[] = [];
  let total = a.fileCount;
  while (loaded.length < total) {
    const page = await rpc.call('members', { offset: loaded.length, limit: MEMBERS_PAGE });
    total = page.total;
    if (!page.rows.length) break;
    for (const r of page.rows) loaded.push(r);
    ui.summary.textContent = `Listing files… ${loaded.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;
  }
  rows = loaded;
  highlighted = new Set();
  hand = new Uint8Array(rows.length);
  regexHit = new Uint8Array(rows.length);
  byPath = new Map(rows.map((r, i) => [r[0], i]));
  computePrefix(rows.map((r) => r[0]));
  changed();
  if (saved?.archiveId === a.id) list.scrollTo(saved.scrollTop);
}

// ---- start: handshake, then restore or preselect ----
async function start(): Promise<void> {
  const saved = rpc.getState<BuilderState>();
  init = await rpc.call('ready', {});
  if (!init.configured || init.problem) {
    ui.problemText.textContent = init.problem
      ? `Freezer could not list vaults: ${init.problem}`
      : 'Freezer is not set up yet: open Freezer settings (or use the local endpoint) before building an archive.';
    ui.problem.classList.remove('hidden');
  }
  if (init.readOnly) {
    enterReadOnly();
    if (init.archive) await showArchive(init.archive, saved);
    else ui.problemText.textContent = `Freezer could not show this archive: ${init.problem ?? 'it is not in the catalogue'}`;
    updateSummary();
    document.body.dataset.ready = 'true';
    return;
  }
  setOptions(ui.compression, init.compressions.map((c) => ({ value: c, label: c === 'none' ? 'none (tar only)' : c })), saved?.compression ?? init.compression);
  ui.output.textContent = init.uploadFolder;
  if (saved?.version === 1) {
    ui.name.value = saved.name;
    ui.fAlreadyFrozen.checked = saved.filters.alreadyFrozen;
    ui.fBackup.checked = saved.filters.backup;
    ui.fExclusion.checked = saved.filters.exclusionPath;
    ui.fManual.checked = saved.filters.manual;
    ui.regex.value = saved.regex;
    regexApplied = saved.regex;
    for (const p of saved.removed) removed.add(p);
  }
  showVaults(init.vaults, saved?.vault || init.vault);
  showKeys(init.keys, saved ? saved.keyId : undefined);
  const toScan = saved?.sources.length ? saved.sources : init.preselect;
  if (toScan.length) {
    await withBusy('Listing files…', async () => {
      const alreadyFrozen = ui.fAlreadyFrozen.checked;
      const r = await rpc.call('scan', { sources: toScan, alreadyFrozen });
      frozenKnown = alreadyFrozen;
      const keep = r.rows.filter((row) => !removed.has(row[0]));
      mergeScan({ sources: r.sources, rows: keep });
      if (saved) {
        for (const p of saved.manual) { const i = byPath.get(p); if (i !== undefined) hand[i] = BY_HAND_EXCLUDED; }
        for (const p of saved.forced) { const i = byPath.get(p); if (i !== undefined) hand[i] = BY_HAND_SELECTED; }
        changed();
        list.scrollTo(saved.scrollTop);
      }
    });
  }
  updateDescriptionSoon();
  updateSummary();
  document.body.dataset.ready = 'true';
}

ui.openSettings.addEventListener('click', () => void rpc.call('openSettings', {}));

void start().catch((e: Error) => {
  ui.problemText.textContent = e.message;
  ui.problem.classList.remove('hidden');
});

import type { SelectionEntry } from '../../core/service/types';
import { REASON, type Row } from './protocol';

/** A scanned file as the compact row the webview lists (reasons as bits; 100,000 rows stay small). */
export function toRow(e: SelectionEntry): Row {
  let bits = 0;
  for (const r of e.reasons) bits |= REASON[r];
  return e.frozenAs ? [e.path, e.size, bits, e.frozenAs.archiveName, e.frozenAs.path] : [e.path, e.size, bits];
}

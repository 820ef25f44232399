/**
 * The builder's selection rules, pure (imported by the webview and by unit tests): whether a listed
 * file is selected, which filters its "Filtered by" label names, and what a toggle does.
 */
import { REASON } from './protocol';

/** Hand-made choices: 0 = none, selected by hand despite a filter, or unselected by hand (a manual exclusion). */
export const HAND = { none: 0, selected: 1, excluded: 2 } as const;

/** Bits of the filters switched on in the toolbar (the regex counts once one is applied). */
export interface FilterSwitches {
  alreadyFrozen: boolean;
  backup: boolean;
  exclusionPath: boolean;
  manual: boolean;
  regex: boolean;
}

export function activeMask(f: FilterSwitches): number {
  return (f.alreadyFrozen ? REASON.alreadyFrozen : 0) | (f.backup ? REASON.backup : 0) | (f.exclusionPath ? REASON.exclusionPath : 0)
    | (f.manual ? REASON.manual : 0) | (f.regex ? REASON.regex : 0);
}

/** Every reason that applies to a file, whether or not its filter is on. */
export function allReasons(rowBits: number, hand: number, regexHit: boolean): number {
  return rowBits | (hand === HAND.excluded ? REASON.manual : 0) | (regexHit ? REASON.regex : 0);
}

export function isSelected(reasons: number, hand: number, mask: number): boolean {
  if (hand === HAND.selected) return true;
  if (hand === HAND.excluded) return false;
  return (reasons & mask) === 0;
}

const NAMES: Array<[number, string]> = [
  [REASON.alreadyFrozen, 'already frozen'], [REASON.backup, 'backup/generated'], [REASON.exclusionPath, 'exclusion path'],
  [REASON.manual, 'manual'], [REASON.regex, 'filter'],
];

/**
 * The "Filtered by" label: only filters that are switched on (a filter switched off filters nothing),
 * plus "kept by hand" when the user selected the file against them.
 */
export function reasonLabel(reasons: number, hand: number, mask: number): string {
  const on = reasons & mask;
  const label = NAMES.filter(([bit]) => on & bit).map(([, name]) => name).join(', ');
  return hand === HAND.selected && label ? `${label} · kept by hand` : label;
}

/**
 * The hand mark that gives a file the selection `select`: a mark only where the filters alone would
 * decide otherwise (selecting a file no filter holds back just clears the mark). `baseReasons` are
 * the file's reasons without its hand mark: `allReasons(rowBits, HAND.none, regexHit)`.
 */
export function handFor(select: boolean, baseReasons: number, mask: number): number {
  if (!select) return HAND.excluded;
  return (baseReasons & mask) === 0 ? HAND.none : HAND.selected;
}

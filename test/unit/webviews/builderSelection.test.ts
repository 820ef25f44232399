import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REASON } from '../../../src/webviews/archiveBuilder/protocol';
import { activeMask, allReasons, HAND, handFor, isSelected, reasonLabel } from '../../../src/webviews/archiveBuilder/selection';

const ALL_ON = { alreadyFrozen: true, backup: true, exclusionPath: true, manual: true, regex: true };

test('the "Filtered by" label names only the filters that are switched on', () => {
  const reasons = REASON.alreadyFrozen | REASON.backup;
  assert.equal(reasonLabel(reasons, HAND.none, activeMask(ALL_ON)), 'already frozen, backup/generated');
  assert.equal(reasonLabel(reasons, HAND.none, activeMask({ ...ALL_ON, alreadyFrozen: false })), 'backup/generated');
  assert.equal(reasonLabel(reasons, HAND.none, activeMask({ ...ALL_ON, alreadyFrozen: false, backup: false })), '');
  // Each filter switch governs its own label.
  for (const [name, bit, label] of [
    ['alreadyFrozen', REASON.alreadyFrozen, 'already frozen'], ['backup', REASON.backup, 'backup/generated'],
    ['exclusionPath', REASON.exclusionPath, 'exclusion path'], ['manual', REASON.manual, 'manual'], ['regex', REASON.regex, 'filter'],
  ] as const) {
    assert.equal(reasonLabel(bit, HAND.none, activeMask(ALL_ON)), label);
    assert.equal(reasonLabel(bit, HAND.none, activeMask({ ...ALL_ON, [name]: false })), '', `${name} off`);
  }
});

test('a file selected by hand against a filter says so, only while that filter is on', () => {
  const mask = activeMask(ALL_ON);
  assert.equal(reasonLabel(REASON.backup, HAND.selected, mask), 'backup/generated · kept by hand');
  assert.equal(reasonLabel(REASON.backup, HAND.selected, activeMask({ ...ALL_ON, backup: false })), '');
});

test('a manual exclusion by hand is a reason of its own; a regex hit too', () => {
  assert.equal(allReasons(0, HAND.excluded, false), REASON.manual);
  assert.equal(allReasons(REASON.backup, HAND.none, true), REASON.backup | REASON.regex);
  assert.equal(reasonLabel(allReasons(0, HAND.excluded, true), HAND.excluded, activeMask(ALL_ON)), 'manual, filter');
});

test('selection: hand marks win over filters; otherwise only active filters unselect', () => {
  const mask = activeMask({ ...ALL_ON, backup: false });
  assert.equal(isSelected(REASON.backup, HAND.none, mask), true);
  assert.equal(isSelected(REASON.exclusionPath, HAND.none, mask), false);
  assert.equal(isSelected(REASON.exclusionPath, HAND.selected, mask), true);
  assert.equal(isSelected(0, HAND.excluded, mask), false);
});

test('toggling: unselecting marks a manual exclusion; selecting marks only where a filter holds the file back', () => {
  const mask = activeMask(ALL_ON);
  assert.equal(handFor(false, 0, mask), HAND.excluded);
  assert.equal(handFor(true, 0, mask), HAND.none);
  assert.equal(handFor(true, REASON.regex, mask), HAND.selected);
  // A reason whose filter is off holds nothing back: no hand mark is needed.
  assert.equal(handFor(true, REASON.backup, activeMask({ ...ALL_ON, backup: false })), HAND.none);
  // Round trip: toggling twice gives the file its first selection back.
  for (const base of [0, REASON.backup, REASON.alreadyFrozen | REASON.regex]) {
    const before = isSelected(base, HAND.none, mask);
    const once = handFor(!before, base, mask);
    assert.equal(isSelected(allReasons(base, once, false), once, mask), !before);
    const twice = handFor(before, base, mask);
    assert.equal(isSelected(allReasons(base, twice, false), twice, mask), before);
  }
});

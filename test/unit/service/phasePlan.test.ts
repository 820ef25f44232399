import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countsFiles, DOWNLOAD_RESTORE_PLAN, FREEZE_PLAN, onPlan, overallFraction, phaseFraction, planFraction } from '../../../src/core/service/phasePlan';
import type { ActivityPhase, ActivityProgress } from '../../../src/core/service/types';

const report = (phase: ActivityPhase, bytesDone: number, bytesTotal: number, files: [number, number] = [0, 0]): ActivityProgress =>
  ({ phase, bytesDone, bytesTotal, filesDone: files[0], filesTotal: files[1] });

describe('phase plan: one bar across the phases of an operation', () => {
  it('places each phase in its share: packing fills the first half, uploading the second', () => {
    assert.equal(planFraction(FREEZE_PLAN, report('packing', 0, 100)), 0);
    assert.equal(planFraction(FREEZE_PLAN, report('packing', 50, 100)), 0.25);
    assert.equal(planFraction(FREEZE_PLAN, report('packing', 100, 100)), 0.5);
    // Uploading starts where packing ended, not back at 0 (the "100 % then 3 %" jump).
    assert.equal(planFraction(FREEZE_PLAN, report('uploading', 3, 100)), 0.515);
    assert.equal(planFraction(FREEZE_PLAN, report('uploading', 100, 100)), 1);
    assert.equal(planFraction(FREEZE_PLAN, report('scanning', 0, 0)), 0);
  });

  it('a download then a restore share one bar; a phase the plan lacks shows its own fraction', () => {
    assert.equal(planFraction(DOWNLOAD_RESTORE_PLAN, report('downloading', 30, 40)), 0.375);
    assert.equal(planFraction(DOWNLOAD_RESTORE_PLAN, report('restoring', 0, 40, [0, 171])), 0.5);
    assert.equal(planFraction(DOWNLOAD_RESTORE_PLAN, report('restoring', 40, 40, [171, 171])), 1);
    assert.equal(planFraction(DOWNLOAD_RESTORE_PLAN, report('uploading', 1, 4)), 0.25);
  });

  it('a phase without bytes goes by files, and never past its end', () => {
    assert.equal(phaseFraction(report('restoring', 0, 0, [3, 4])), 0.75);
    assert.equal(phaseFraction(report('packing', 0, 0, [173, 171])), 1, 'more done than total is still 100 %');
    assert.equal(phaseFraction(report('packing', 0, 0)), 0);
  });

  it('the wrapped callback carries the overall fraction and never goes back', () => {
    const seen: ActivityProgress[] = [];
    const cb = onPlan(FREEZE_PLAN, (p) => seen.push(p))!;
    cb(report('packing', 100, 100));
    cb(report('uploading', 40, 100));
    cb(report('uploading', 10, 100)); // a retried upload counts its bytes again
    assert.deepEqual(seen.map((p) => p.overall), [0.5, 0.7, 0.7]);
    assert.equal(seen[2].bytesDone, 10, "the phase's own bytes stay as reported");
    assert.equal(overallFraction(seen[1]), 0.7);
    assert.equal(overallFraction(report('uploading', 1, 4)), 0.25, 'without a plan: the phase fraction');
    assert.equal(onPlan(FREEZE_PLAN, undefined), undefined);
  });

  it('counts files only in phases that handle files one by one', () => {
    assert.equal(countsFiles(report('packing', 0, 1, [0, 171])), true);
    assert.equal(countsFiles(report('restoring', 0, 1, [0, 171])), true);
    assert.equal(countsFiles(report('downloading', 0, 1, [0, 171])), false);
    assert.equal(countsFiles(report('uploading', 0, 1, [0, 171])), false);
    assert.equal(countsFiles(report('packing', 0, 1, [0, 0])), false);
  });
});

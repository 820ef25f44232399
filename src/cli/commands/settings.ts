import type { Command } from '../command';
import { describeSettings } from '../config';
import { table } from '../output';

export const settingsCommand: Command = {
  name: 'settings',
  usage: '',
  summary: 'Show the effective settings and where each comes from (secrets masked).',
  async run(ctx) {
    const d = describeSettings(ctx.resolved);
    ctx.out.result({ configFile: ctx.resolved.configFile ?? null, settings: d, notes: ctx.resolved.notes }, () => [
      `Config file: ${ctx.resolved.configFile ?? '(none)'}`,
      ...table(['SETTING', 'VALUE', 'FROM'], Object.entries(d).map(([k, v]) => [k, String(v.value), v.source])),
      ...ctx.resolved.notes.map((n) => `note: ${n}`),
    ]);
  },
};

/** Escapes text for a MarkdownString. */
export function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** A two-column table for tooltips; rows without a value are left out. */
export function table(rows: [string, string | undefined][]): string {
  const lines = rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `| ${k} | ${escape(v as string)} |`);
  return ['| | |', '|---|---|', ...lines].join('\n');
}

/** "1 file", "3 files", "1 archive": counts in messages read as a person would write them. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** A RegExp's own message without its "Invalid regular expression: " prefix (our message says that already). */
export function regexProblem(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression:\s*/i, '');
}

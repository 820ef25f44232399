/** The page's elements: found by id, options of a select, and the message lines under a form. */

/** `document.getElementById` that fails loudly when the markup and the script disagree. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/** Replaces the options of a vscode-single-select. */
export function setOptions(select: HTMLElement & { value: string }, options: Array<{ value: string; label: string; disabled?: boolean }>, value: string): void {
  select.replaceChildren(...options.map((o) => {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string; disabled: boolean };
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    if (o.disabled) opt.setAttribute('disabled', '');
    return opt;
  }));
  // The element picks up new options asynchronously.
  queueMicrotask(() => { select.value = value; });
  setTimeout(() => { select.value = value; }, 0);
}

/**
 * The elements with these ids, keyed by their ids: `byIds<Button>()('save', 'apply')`. (Curried so
 * the element type can be given while the ids are inferred.)
 */
export function byIds<T extends HTMLElement = HTMLElement>() {
  return <K extends string>(...ids: K[]): Record<K, T> => Object.fromEntries(ids.map((id) => [id, byId<T>(id)])) as Record<K, T>;
}

export type MessageKind = 'info' | 'warning' | 'error';

/** Shows `text` in a message line styled by its kind; an empty text hides the line. */
export function showMessage(el: HTMLElement, text: string, kind: MessageKind = 'info'): void {
  el.textContent = text;
  el.className = `message ${kind}`;
  el.classList.toggle('hidden', !text);
}

/**
 * A list that stays fast with hundreds of thousands of rows: fixed row height, a spacer giving the
 * scroll height, and only the rows in view (plus a few) in the DOM, reused as the user scrolls.
 */
export interface VirtualListOptions {
  rowHeight: number;
  count(): number;
  /** Fills a row element for `index` (called for visible rows only). */
  render(el: HTMLElement, index: number): void;
  onScroll?(scrollTop: number): void;
}

export class VirtualList {
  private readonly pool: HTMLElement[] = [];
  private frame = 0;

  constructor(private readonly container: HTMLElement, private readonly spacer: HTMLElement, private readonly opts: VirtualListOptions) {
    container.addEventListener('scroll', () => {
      this.schedule();
      opts.onScroll?.(container.scrollTop);
    }, { passive: true });
    new ResizeObserver(() => this.schedule()).observe(container);
  }

  /** Index of the row an event happened in, if any. */
  indexOf(target: EventTarget | null): number | undefined {
    const row = (target as HTMLElement | null)?.closest?.('.vrow') as HTMLElement | null;
    if (!row || row.dataset.index === undefined) return undefined;
    return Number(row.dataset.index);
  }

  /** Re-renders (after data changed). */
  refresh(): void {
    this.spacer.style.height = `${this.opts.count() * this.opts.rowHeight}px`;
    this.render();
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  scrollTo(top: number): void {
    this.container.scrollTop = top;
    this.render();
  }

  /** Scrolls the least needed to show row `index`. */
  reveal(index: number): void {
    const h = this.opts.rowHeight;
    const top = index * h;
    if (top < this.container.scrollTop) this.container.scrollTop = top;
    else if (top + h > this.container.scrollTop + this.container.clientHeight) this.container.scrollTop = top + h - this.container.clientHeight;
    this.render();
  }

  private render(): void {
    const h = this.opts.rowHeight;
    const count = this.opts.count();
    const first = Math.max(0, Math.floor(this.container.scrollTop / h) - 5);
    const last = Math.min(count, Math.ceil((this.container.scrollTop + this.container.clientHeight) / h) + 5);
    const needed = Math.max(0, last - first);
    while (this.pool.length < needed) {
      const el = document.createElement('div');
      el.className = 'vrow';
      el.setAttribute('role', 'option');
      this.container.appendChild(el);
      this.pool.push(el);
    }
    for (let j = 0; j < this.pool.length; j++) {
      const el = this.pool[j];
      if (j < needed) {
        const index = first + j;
        el.hidden = false;
        el.dataset.index = String(index);
        el.style.transform = `translateY(${index * h}px)`;
        this.opts.render(el, index);
      } else {
        el.hidden = true;
        delete el.dataset.index;
      }
    }
  }
}

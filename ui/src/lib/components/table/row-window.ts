/**
 * The rows a table holds: a window of keyset pages over a result of any
 * size. Scrolling down appends pages and, past `maxRows`, drops pages from
 * the top; scrolling back up loads the rows before the window (the sort
 * reversed, from the window's first row) and drops pages from the bottom.
 * So a million-row result scrolls end to end with a few thousand rows in
 * memory and every page costs one indexed query.
 */
import type { Cursor, Page } from '$lib/backend';

interface WindowPage<T> {
	rows: T[];
	/** The first row's cursor; null when nothing comes before it. */
	first: Cursor | null;
	/** The last row's cursor; null when nothing comes after it. */
	last: Cursor | null;
}

export class RowWindow<T> {
	#pages: WindowPage<T>[] = [];
	#rows: T[] = [];

	constructor(readonly maxRows: number) {}

	/** The rows held, in order. */
	get rows(): T[] {
		return this.#rows;
	}

	/** Where to ask for the rows after the window; null at the result's end. */
	get after(): Cursor | null {
		return this.#pages.at(-1)?.last ?? null;
	}

	/** Where to ask (sort reversed) for the rows before the window; null at its start. */
	get before(): Cursor | null {
		return this.#pages[0]?.first ?? null;
	}

	/** The result's first page: the window starts over at the top. */
	reset(page: Page<T>): void {
		this.#pages = [{ rows: page.rows, first: null, last: page.next }];
		this.#update();
	}

	/** The result's last page, asked with the sort reversed (the End key). */
	resetAtEnd(reversed: Page<T>): void {
		this.#pages = [this.#flip(reversed, false)];
		this.#update();
	}

	/** A page after the window; returns how many rows left at the top. */
	append(page: Page<T>): number {
		if (page.rows.length === 0) {
			this.#pages.at(-1)!.last = null;
			return 0;
		}
		this.#pages.push({ rows: page.rows, first: page.first, last: page.next });
		let dropped = 0;
		while (this.#pages.length > 1 && this.#count() > this.maxRows) {
			dropped += this.#pages.shift()!.rows.length;
		}
		this.#update();
		return dropped;
	}

	/** The page before the window, asked with the sort reversed; returns how many rows it added. */
	prepend(reversed: Page<T>): number {
		if (reversed.rows.length === 0) {
			this.#pages[0].first = null;
			return 0;
		}
		this.#pages.unshift(this.#flip(reversed, true));
		while (this.#pages.length > 1 && this.#count() > this.maxRows) {
			this.#pages.pop();
		}
		this.#update();
		return reversed.rows.length;
	}

	/**
	 * A page read with the sort reversed, put back in order: its first row
	 * in the reversed read is its last, and the reversed read's `next` is
	 * where the rows before it continue. `followed`: rows come after it.
	 */
	#flip(reversed: Page<T>, followed: boolean): WindowPage<T> {
		return {
			rows: [...reversed.rows].reverse(),
			first: reversed.next,
			last: followed ? reversed.first : null
		};
	}

	#count(): number {
		return this.#pages.reduce((n, p) => n + p.rows.length, 0);
	}

	#update(): void {
		this.#rows = this.#pages.flatMap((p) => p.rows);
	}
}

import type { Snippet } from 'svelte';

/** A table column: what it shows, how wide it starts, whether it sorts. */
export interface Column<T> {
	/** Stable id: the sort column name the core knows, and the width's key. */
	key: string;
	label: string;
	/** Starting width in px; the operator's own width is remembered. */
	width: number;
	/** The core can sort by it (its name is `key`): set by TableScreen from `RULES.sortable_columns`. */
	sortable?: boolean;
	align?: 'left' | 'right';
	/** The cell's text (also its tooltip, so a cut value can be read). */
	text: (row: T) => string;
	/** A richer cell (a status badge...); `text` is still the tooltip. */
	cell?: Snippet<[T]>;
}

const MIN_WIDTH = 48;
const PREFIX = 'paneldesk.widths.';

/**
 * Column widths the operator set, by table. localStorage is enough here: a
 * width lost to a crash in the last second is no loss.
 */
export function loadWidths(table: string): Record<string, number> {
	try {
		const raw = localStorage.getItem(PREFIX + table);
		const parsed: unknown = raw ? JSON.parse(raw) : {};
		if (typeof parsed !== 'object' || parsed === null) return {};
		return Object.fromEntries(
			Object.entries(parsed).filter(
				(e): e is [string, number] => typeof e[1] === 'number' && e[1] >= MIN_WIDTH
			)
		);
	} catch {
		return {};
	}
}

export function saveWidths(table: string, widths: Record<string, number>): void {
	try {
		localStorage.setItem(PREFIX + table, JSON.stringify(widths));
	} catch {
		// Storage full or disabled: widths simply are not remembered.
	}
}

export function clampWidth(width: number): number {
	return Math.max(MIN_WIDTH, Math.round(width));
}

/**
 * Keyboard navigation of a report table: the rows take the focus (tabindex
 * 0); arrows move it, Home and End jump to the ends, Enter does what a
 * click does. Used as `use:rowKeys` on the table.
 */
export function rowKeys(node: HTMLElement) {
	function onkeydown(e: KeyboardEvent) {
		const target = e.target as HTMLElement;
		const row = target.closest('tr[tabindex]');
		if (!row || target !== row) return;
		const rows = Array.from(node.querySelectorAll<HTMLElement>('tbody tr[tabindex]'));
		const i = rows.indexOf(row as HTMLElement);
		const next: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1 };
		if (e.key in next) {
			e.preventDefault();
			rows[Math.max(0, Math.min(rows.length - 1, next[e.key]))]?.focus();
		} else if (e.key === 'Enter') {
			e.preventDefault();
			(row as HTMLElement).click();
		}
	}
	node.addEventListener('keydown', onkeydown);
	return {
		destroy() {
			node.removeEventListener('keydown', onkeydown);
		}
	};
}

import { describe, expect, it } from 'vitest';
import type { Cursor, Page } from '$lib/backend';
import { RowWindow } from './row-window';

/** A result of `total` rows with ids 1..total, paged by id like the core. */
function result(total: number) {
	const cursor = (id: number): Cursor => ({ key: id, panel_id: 1, id });
	return (after: Cursor | null, limit: number, reversed = false): Page<{ id: number }> => {
		const ids: number[] = [];
		if (!reversed) {
			for (let id = after ? after.id + 1 : 1; id <= total && ids.length < limit; id++) ids.push(id);
		} else {
			for (let id = after ? after.id - 1 : total; id >= 1 && ids.length < limit; id--) ids.push(id);
		}
		const last = ids.at(-1);
		const more = last !== undefined && (reversed ? last > 1 : last < total);
		return {
			rows: ids.map((id) => ({ id })),
			first: ids.length ? cursor(ids[0]) : null,
			next: more ? cursor(last) : null
		};
	};
}

const ids = (w: RowWindow<{ id: number }>) => w.rows.map((r) => r.id);

describe('RowWindow', () => {
	it('scrolls a large result to its end holding at most maxRows', () => {
		const read = result(10_000);
		const w = new RowWindow<{ id: number }>(1_000);
		w.reset(read(null, 200));
		expect(w.before).toBeNull();
		let dropped = 0;
		while (w.after) dropped += w.append(read(w.after, 200));
		expect(w.rows.length).toBeLessThanOrEqual(1_000);
		expect(ids(w).at(-1)).toBe(10_000);
		// What left the top plus what is held is every row, once, in order.
		expect(dropped + w.rows.length).toBe(10_000);
		expect(ids(w)).toEqual(Array.from({ length: w.rows.length }, (_, i) => 10_000 - w.rows.length + 1 + i));
		expect(w.before).not.toBeNull();
	});

	it('scrolls back up to the first row, loading what it dropped', () => {
		const read = result(5_000);
		const w = new RowWindow<{ id: number }>(600);
		w.reset(read(null, 200));
		while (w.after) w.append(read(w.after, 200));
		const seen: number[] = [];
		while (w.before) {
			const added = w.prepend(read(w.before, 200, true));
			seen.push(...ids(w).slice(0, added));
			expect(w.rows.length).toBeLessThanOrEqual(600);
			// Always consecutive ids: no row lost or doubled at a page seam.
			expect(ids(w)).toEqual(Array.from({ length: w.rows.length }, (_, i) => ids(w)[0] + i));
		}
		expect(ids(w)[0]).toBe(1);
		// Down again from there continues right after the window.
		expect(w.after).not.toBeNull();
		w.append(read(w.after, 200));
		expect(ids(w)).toEqual(Array.from({ length: w.rows.length }, (_, i) => ids(w)[0] + i));
	});

	it('jumps to the end with the sort reversed, then scrolls up from there', () => {
		const read = result(1_000_000);
		const w = new RowWindow<{ id: number }>(2_000);
		w.resetAtEnd(read(null, 200, true));
		expect(ids(w).at(-1)).toBe(1_000_000);
		expect(ids(w)[0]).toBe(999_801);
		expect(w.after).toBeNull();
		w.prepend(read(w.before, 200, true));
		expect(ids(w)[0]).toBe(999_601);
		expect(ids(w).length).toBe(400);
	});

	it('knows a result that fits in one page has nothing before or after', () => {
		const read = result(50);
		const w = new RowWindow<{ id: number }>(1_000);
		w.reset(read(null, 200));
		expect([w.before, w.after]).toEqual([null, null]);
		expect(ids(w)).toHaveLength(50);
	});
});

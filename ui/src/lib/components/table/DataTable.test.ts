import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackendError, type Page, type PageRequest, type Sort } from '$lib/backend';
import DataTable from './DataTable.svelte';
import type { Column } from './columns';

type Row = { panel_id: number; id: number; name: string };

const columns: Column<Row>[] = [
	{ key: 'id', label: 'ID', width: 80, sortable: true, text: (r) => String(r.id) },
	{ key: 'name', label: 'Name', width: 150, text: (r) => r.name }
];

/**
 * `total` rows (ids 1..total), paged the way the core pages: after the
 * cursor's id in the table's order (the tests' sort, `desc`, lists ids
 * 1..total), before it when the sort comes reversed (`asc`).
 */
function pager(total: number, prefix = 'row') {
	return vi.fn(async (req: PageRequest): Promise<Page<Row>> => {
		const limit = req.limit ?? 100;
		const backward = req.sort?.dir === 'asc';
		const ids: number[] = [];
		if (!backward) {
			for (let id = (req.after?.id ?? 0) + 1; id <= total && ids.length < limit; id++) ids.push(id);
		} else {
			for (let id = (req.after?.id ?? total + 1) - 1; id >= 1 && ids.length < limit; id--) ids.push(id);
		}
		const rows = ids.map((id) => ({ panel_id: 1, id, name: `${prefix} ${id}` }));
		const cursor = (id: number) => ({ key: id, panel_id: 1, id });
		const last = ids.at(-1);
		const more = last !== undefined && (backward ? last > 1 : last < total);
		return { rows, first: ids.length ? cursor(ids[0]) : null, next: more ? cursor(last) : null };
	});
}

type Props = {
	load: (req: PageRequest) => Promise<Page<Row>>;
	sort?: Sort;
	onsort?: (sort: Sort) => void;
	onopen?: (row: Row) => void;
	empty?: string;
	table?: string;
};

function renderTable(props: Props) {
	return render(DataTable<Row>, {
		props: {
			columns,
			sort: { column: 'id', dir: 'desc' },
			onsort: () => {},
			table: 'things',
			label: 'Things',
			...props
		}
	});
}

const rowTexts = () =>
	screen
		.getAllByTestId('table-row')
		.map((r) => within(r).getAllByRole('gridcell').map((c) => c.textContent?.trim()));

/**
 * jsdom lays nothing out: give the table's scroll box the size of a real one
 * (320 px tall, 10 rows) so the virtualizer renders rows, and scrolling and
 * pointer capture the way a browser has them.
 */
const BOX_HEIGHT = 320;
const saved = new Map<string, PropertyDescriptor | undefined>();

function stub(target: object, name: string, descriptor: PropertyDescriptor) {
	saved.set(name, Object.getOwnPropertyDescriptor(target, name));
	Object.defineProperty(target, name, { configurable: true, ...descriptor });
}

beforeEach(() => {
	localStorage.clear();
	const isBody = (el: HTMLElement) => el.dataset.testid === 'table-body';
	stub(HTMLElement.prototype, 'clientHeight', {
		get(this: HTMLElement) {
			return isBody(this) ? BOX_HEIGHT : 0;
		}
	});
	stub(HTMLElement.prototype, 'clientWidth', {
		get(this: HTMLElement) {
			return isBody(this) ? 900 : 0;
		}
	});
	// A browser scrolls, then tells the page at its next frame.
	stub(HTMLElement.prototype, 'scrollTo', {
		writable: true,
		value(this: HTMLElement, options?: ScrollToOptions) {
			const top = options?.top;
			if (top === undefined || top === this.scrollTop) return;
			this.scrollTop = top;
			requestAnimationFrame(() => this.dispatchEvent(new Event('scroll')));
		}
	});
	stub(HTMLElement.prototype, 'setPointerCapture', { writable: true, value: () => {} });
});

afterEach(() => {
	for (const [name, descriptor] of saved) {
		if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
		else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[name];
	}
	saved.clear();
});

describe('DataTable', () => {
	it('renders the first page, only the rows in view, with each column’s text', async () => {
		const load = pager(500);
		renderTable({ load });
		await waitFor(() => expect(screen.getAllByTestId('table-row').length).toBeGreaterThan(0));

		expect(load).toHaveBeenCalledTimes(1);
		expect(load.mock.calls[0][0]).toEqual({ sort: { column: 'id', dir: 'desc' }, after: null, limit: 200 });
		expect(rowTexts().slice(0, 3)).toEqual([
			['1', 'row 1'],
			['2', 'row 2'],
			['3', 'row 3']
		]);
		// Virtualized: a screenful plus the overscan, not the 200 rows loaded.
		const shown = screen.getAllByTestId('table-row').length;
		expect(shown).toBeGreaterThanOrEqual(BOX_HEIGHT / 32);
		expect(shown).toBeLessThan(40);
		expect(screen.getAllByRole('columnheader').map((h) => h.textContent?.replace(/[▲▼⇅]/g, '').trim())).toEqual([
			'ID',
			'Name'
		]);
		expect(screen.queryByTestId('table-empty')).toBeNull();
	});

	it('asks for the next page after the cursor of the previous one when scrolled near the end', async () => {
		const load = pager(500);
		renderTable({ load });
		await screen.findAllByTestId('table-row');
		expect(load).toHaveBeenCalledTimes(1);
		const cursor = (await load.mock.results[0].value).next;
		expect(cursor).toEqual({ key: 200, panel_id: 1, id: 200 });

		// Near the end of the 200 rows loaded: rows 180-190 in view.
		const body = screen.getByTestId('table-body');
		body.scrollTop = 180 * 32;
		await fireEvent.scroll(body);

		await waitFor(() => expect(load).toHaveBeenCalledTimes(2));
		expect(load.mock.calls[1][0]).toEqual({ sort: { column: 'id', dir: 'desc' }, after: cursor, limit: 200 });
		await waitFor(() => expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('401'));

		// The rows of page 2 show when scrolled to.
		body.scrollTop = 250 * 32;
		await fireEvent.scroll(body);
		await waitFor(() => expect(rowTexts().some(([id]) => id === '255')).toBe(true));
		expect(rowTexts().find(([id]) => id === '255')).toEqual(['255', 'row 255']);
		// The last page says there is no next: scrolling to its end asks no more.
		body.scrollTop = 490 * 32;
		await fireEvent.scroll(body);
		await waitFor(() => expect(load).toHaveBeenCalledTimes(3));
		await waitFor(() => expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('501'));
		await fireEvent.scroll(body);
		expect(load).toHaveBeenCalledTimes(3);
	});

	it('starts over from the top with a new load function', async () => {
		const first = pager(500);
		const { rerender } = renderTable({ load: first });
		await screen.findAllByTestId('table-row');
		const body = screen.getByTestId('table-body');
		body.scrollTop = 180 * 32;
		await fireEvent.scroll(body);
		await waitFor(() => expect(first).toHaveBeenCalledTimes(2));

		const second = pager(50, 'other');
		await rerender({ load: second });
		await waitFor(() => expect(rowTexts()[0]).toEqual(['1', 'other 1']));
		expect(second.mock.calls[0][0].after).toBeNull();
		expect(body.scrollTop).toBe(0);
		expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('51');
		expect(screen.queryByText('row 1')).toBeNull();
	});

	it('sorts by a sortable header: descending first, then ascending', async () => {
		const user = userEvent.setup();
		const onsort = vi.fn();
		const { rerender } = renderTable({ load: pager(5), sort: { column: 'name', dir: 'asc' }, onsort });
		await screen.findAllByTestId('table-row');
		const idHeader = screen.getAllByRole('columnheader')[0];
		expect(idHeader.getAttribute('aria-sort')).toBe('none');

		await user.click(screen.getByTestId('sort-id'));
		expect(onsort).toHaveBeenLastCalledWith({ column: 'id', dir: 'desc' });
		await rerender({ sort: { column: 'id', dir: 'desc' } });
		expect(idHeader.getAttribute('aria-sort')).toBe('descending');
		expect(screen.getByTestId('sort-id').textContent).toContain('▼');

		await user.click(screen.getByTestId('sort-id'));
		expect(onsort).toHaveBeenLastCalledWith({ column: 'id', dir: 'asc' });
		await rerender({ sort: { column: 'id', dir: 'asc' } });
		expect(idHeader.getAttribute('aria-sort')).toBe('ascending');
		expect(screen.getByTestId('sort-id').textContent).toContain('▲');

		// Name is not sortable: no button to click.
		expect(screen.queryByTestId('sort-name')).toBeNull();
		expect(onsort).toHaveBeenCalledTimes(2);
	});

	it('moves with ArrowDown and opens the active row with Enter', async () => {
		const user = userEvent.setup();
		const onopen = vi.fn();
		renderTable({ load: pager(30), onopen });
		await screen.findAllByTestId('table-row');
		const grid = screen.getByRole('grid');
		grid.focus();
		expect(grid.getAttribute('aria-activedescendant')).toBe('things-row-0');

		await user.keyboard('{ArrowDown}');
		expect(grid.getAttribute('aria-activedescendant')).toBe('things-row-1');
		expect(document.getElementById('things-row-1')?.classList.contains('active')).toBe(true);
		await user.keyboard('{Enter}');
		expect(onopen).toHaveBeenCalledTimes(1);
		expect(onopen).toHaveBeenCalledWith({ panel_id: 1, id: 2, name: 'row 2' });
	});

	it('jumps to the last of a million rows with End and back to the first with Home', async () => {
		const user = userEvent.setup();
		const onopen = vi.fn();
		const load = pager(1_000_000);
		renderTable({ load, onopen });
		await screen.findAllByTestId('table-row');
		screen.getByRole('grid').focus();

		await user.keyboard('{End}');
		// The end is read with the sort reversed, from nothing: one query, not 5,000 pages.
		await waitFor(() => expect(load).toHaveBeenLastCalledWith({ sort: { column: 'id', dir: 'asc' }, after: null, limit: 200 }));
		await waitFor(() => expect(screen.getByText('row 1000000')).toBeTruthy());
		await user.keyboard('{Enter}');
		expect(onopen).toHaveBeenLastCalledWith({ panel_id: 1, id: 1_000_000, name: 'row 1000000' });

		await user.keyboard('{Home}');
		await waitFor(() => expect(load).toHaveBeenLastCalledWith({ sort: { column: 'id', dir: 'desc' }, after: null, limit: 200 }));
		await waitFor(() => expect(rowTexts()[0]).toEqual(['1', 'row 1']));
		await user.keyboard('{Enter}');
		expect(onopen).toHaveBeenLastCalledWith({ panel_id: 1, id: 1, name: 'row 1' });
		expect(load.mock.calls.length).toBeLessThan(8);
	});

	it('opens a row on click', async () => {
		const user = userEvent.setup();
		const onopen = vi.fn();
		renderTable({ load: pager(30), onopen });
		await screen.findAllByTestId('table-row');
		await user.click(screen.getByText('row 4'));
		expect(onopen).toHaveBeenCalledWith({ panel_id: 1, id: 4, name: 'row 4' });
	});

	it('shows a failed load with its message and fix, and Try again loads again', async () => {
		const user = userEvent.setup();
		const rows = pager(3);
		const load = vi.fn(async (req: PageRequest) => {
			if (load.mock.calls.length === 1) {
				throw new BackendError({
					code: 'database',
					message: 'The cache file could not be read.',
					fix: 'Free some disk space, then try again.'
				});
			}
			return rows(req);
		});
		renderTable({ load });
		const alert = await screen.findByTestId('table-error');
		expect(alert.getAttribute('role')).toBe('alert');
		expect(alert.textContent).toContain('The cache file could not be read.');
		expect(alert.textContent).toContain('Free some disk space, then try again.');
		expect(screen.queryByTestId('table-empty')).toBeNull();

		await user.click(within(alert).getByRole('button', { name: 'Try again' }));
		await waitFor(() => expect(rowTexts()).toHaveLength(3));
		expect(load).toHaveBeenCalledTimes(2);
		expect(load.mock.calls[1][0].after).toBeNull();
		expect(screen.queryByTestId('table-error')).toBeNull();
	});

	it('says what an empty result means', async () => {
		renderTable({ load: pager(0), empty: 'No orders match these filters.' });
		const empty = await screen.findByTestId('table-empty');
		expect(empty.textContent).toBe('No orders match these filters.');
		expect(screen.queryAllByTestId('table-row')).toHaveLength(0);
	});

	it('remembers a column width dragged with the resize handle', async () => {
		const first = renderTable({ load: pager(3), table: 'widths' });
		await screen.findAllByTestId('table-row');
		const head = screen.getAllByRole('row')[0];
		expect(head.style.gridTemplateColumns).toBe('80px 150px minmax(0, 1fr)');

		const handle = screen.getByRole('separator', { name: 'Resize Name' });
		await fireEvent.pointerDown(handle, { clientX: 300, pointerId: 1 });
		await fireEvent.pointerMove(handle, { clientX: 340, pointerId: 1 });
		await fireEvent.pointerMove(handle, { clientX: 370, pointerId: 1 });
		expect(head.style.gridTemplateColumns).toBe('80px 220px minmax(0, 1fr)');
		expect(screen.getAllByTestId('table-row')[0].style.gridTemplateColumns).toBe('80px 220px minmax(0, 1fr)');
		await fireEvent.pointerUp(handle, { clientX: 370, pointerId: 1 });
		expect(JSON.parse(localStorage.getItem('paneldesk.widths.widths') ?? '{}')).toEqual({ name: 220 });

		// Moving after the release changes nothing.
		await fireEvent.pointerMove(handle, { clientX: 500, pointerId: 1 });
		expect(head.style.gridTemplateColumns).toBe('80px 220px minmax(0, 1fr)');

		// Narrower than the minimum is clamped.
		const idHandle = screen.getByRole('separator', { name: 'Resize ID' });
		await fireEvent.pointerDown(idHandle, { clientX: 100, pointerId: 2 });
		await fireEvent.pointerMove(idHandle, { clientX: 0, pointerId: 2 });
		await fireEvent.pointerUp(idHandle, { clientX: 0, pointerId: 2 });
		expect(JSON.parse(localStorage.getItem('paneldesk.widths.widths') ?? '{}')).toEqual({ id: 48, name: 220 });

		first.unmount();
		const again = renderTable({ load: pager(3), table: 'widths' });
		await screen.findAllByTestId('table-row');
		expect(screen.getAllByRole('row')[0].style.gridTemplateColumns).toBe('48px 220px minmax(0, 1fr)');
		again.unmount();

		// Another table keeps its own widths.
		renderTable({ load: pager(3), table: 'other' });
		await screen.findAllByTestId('table-row');
		expect(screen.getAllByRole('row')[0].style.gridTemplateColumns).toBe('80px 150px minmax(0, 1fr)');
	});
});

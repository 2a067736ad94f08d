import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import FilterBar from './FilterBar.svelte';
import type { FilterControl } from './filters';

type Filter = Record<string, string | number | null>;

const CONTROLS: FilterControl[] = [
	{
		kind: 'select',
		field: 'panel_id',
		label: 'Panel',
		numeric: true,
		options: [
			{ value: '1', label: 'Main' },
			{ value: '2', label: 'Reseller' }
		]
	},
	{
		kind: 'select',
		field: 'status',
		label: 'Status',
		options: [
			{ value: 'completed', label: 'Completed' },
			{ value: 'pending', label: 'Pending' }
		]
	},
	{ kind: 'dates', from: 'created_from', to: 'created_to', label: 'Created' },
	{ kind: 'text', field: 'text', label: 'Search', placeholder: 'Order ID, link or username' }
];

const EMPTY: Filter = { panel_id: null, status: null, created_from: null, created_to: null, text: null };

/** Renders the bar the way a screen does: each change comes back as the new filter. */
function renderBar(filter: Filter = EMPTY) {
	const onchange = vi.fn();
	const view = render(FilterBar, { props: { controls: CONTROLS, filter, onchange } });
	onchange.mockImplementation((f: Filter) => void view.rerender({ filter: f }));
	return { onchange };
}

const field = <E extends HTMLElement>(id: string) => screen.getByTestId(`filter-${id}`) as E;

describe('FilterBar', () => {
	describe('selects', () => {
		it('apply at once, a numeric one as a number, and "All" clears the field', async () => {
			const user = userEvent.setup();
			const { onchange } = renderBar({ ...EMPTY, text: 'kept' });

			await user.selectOptions(field('status'), 'Completed');
			expect(onchange).toHaveBeenCalledTimes(1);
			expect(onchange).toHaveBeenLastCalledWith({ ...EMPTY, text: 'kept', status: 'completed' });

			await user.selectOptions(field('panel_id'), 'Reseller');
			expect(onchange).toHaveBeenLastCalledWith({ ...EMPTY, text: 'kept', status: 'completed', panel_id: 2 });
			expect(field<HTMLSelectElement>('panel_id').value).toBe('2');

			await user.selectOptions(field('status'), 'All');
			expect(onchange).toHaveBeenLastCalledWith({ ...EMPTY, text: 'kept', status: null, panel_id: 2 });
			expect(field<HTMLSelectElement>('status').value).toBe('');
			expect(onchange).toHaveBeenCalledTimes(3);
		});

		it('show the value of the filter they are given', () => {
			renderBar({ ...EMPTY, status: 'pending', panel_id: 1 });
			expect(field<HTMLSelectElement>('status').value).toBe('pending');
			expect(field<HTMLSelectElement>('panel_id').value).toBe('1');
		});
	});

	describe('free text', () => {
		beforeEach(() => {
			vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		});
		afterEach(() => {
			vi.useRealTimers();
		});

		it('applies only after a 250 ms pause in typing', async () => {
			const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
			const { onchange } = renderBar();

			await user.type(field('text'), 'us');
			vi.advanceTimersByTime(200);
			await user.type(field('text'), 'er5');
			vi.advanceTimersByTime(249);
			expect(onchange).not.toHaveBeenCalled();

			vi.advanceTimersByTime(1);
			expect(onchange).toHaveBeenCalledTimes(1);
			expect(onchange).toHaveBeenLastCalledWith({ ...EMPTY, text: 'user5' });
			expect(field<HTMLInputElement>('text').value).toBe('user5');
		});

		it('applies at once on Enter, and not again after the pause', async () => {
			const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
			const { onchange } = renderBar();

			await user.type(field('text'), '100007{Enter}');
			expect(onchange).toHaveBeenCalledTimes(1);
			expect(onchange).toHaveBeenLastCalledWith({ ...EMPTY, text: '100007' });

			vi.advanceTimersByTime(1000);
			expect(onchange).toHaveBeenCalledTimes(1);
		});

		it('clears the field when the text is emptied', async () => {
			const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
			const { onchange } = renderBar({ ...EMPTY, text: 'user5' });
			expect(field<HTMLInputElement>('text').value).toBe('user5');

			await user.clear(field('text'));
			await user.type(field('text'), '   ');
			vi.advanceTimersByTime(250);
			expect(onchange).toHaveBeenCalledTimes(1);
			expect(onchange).toHaveBeenLastCalledWith(EMPTY);
		});
	});

	describe('dates', () => {
		// A time zone with a clock change, so a day is not always 24 hours.
		beforeAll(() => {
			vi.stubEnv('TZ', 'Europe/Berlin');
		});
		afterAll(() => {
			vi.unstubAllEnvs();
		});

		async function pick(id: string, value: string) {
			const input = field<HTMLInputElement>(id);
			input.value = value;
			await fireEvent.change(input);
		}

		it('send local midnight as unix seconds, and "to" as the next midnight', async () => {
			const { onchange } = renderBar();

			await pick('created_from', '2026-06-10');
			// 2026-06-10 00:00 in Berlin (CEST, UTC+2) is 2026-06-09 22:00 UTC.
			expect(onchange).toHaveBeenLastCalledWith({ ...EMPTY, created_from: Date.UTC(2026, 5, 9, 22) / 1000 });

			await pick('created_to', '2026-06-12');
			expect(onchange).toHaveBeenLastCalledWith({
				...EMPTY,
				created_from: Date.UTC(2026, 5, 9, 22) / 1000,
				created_to: Date.UTC(2026, 5, 12, 22) / 1000
			});
			// The inputs show the days picked, not the exclusive end.
			expect(field<HTMLInputElement>('created_from').value).toBe('2026-06-10');
			expect(field<HTMLInputElement>('created_to').value).toBe('2026-06-12');
		});

		it('end "to" at the next midnight on a 23-hour day too', async () => {
			const { onchange } = renderBar();
			// Berlin moves to summer time on 2026-03-29: midnight is 23:00 UTC
			// before, and 22:00 UTC after.
			await pick('created_from', '2026-03-29');
			await pick('created_to', '2026-03-29');
			const last = onchange.mock.lastCall?.[0] as Filter;
			expect(last.created_from).toBe(Date.UTC(2026, 2, 28, 23) / 1000);
			expect(last.created_to).toBe(Date.UTC(2026, 2, 29, 22) / 1000);
			expect(field<HTMLInputElement>('created_to').value).toBe('2026-03-29');
		});

		it('clear the field when the date is removed', async () => {
			const { onchange } = renderBar({ ...EMPTY, created_from: 1_790_000_000, created_to: 1_790_100_000 });
			await pick('created_to', '');
			expect(onchange).toHaveBeenLastCalledWith({ ...EMPTY, created_from: 1_790_000_000, created_to: null });
		});
	});
});

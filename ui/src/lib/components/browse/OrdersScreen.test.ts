import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { page } from '$app/state';
import { goto } from '$app/navigation';
import { type OrderFilter } from '$lib/backend';
import { createMockBackend, MOCK_NOW, type MockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import OrdersScreen from './OrdersScreen.svelte';
import UsersScreen from './UsersScreen.svelte';

// The SvelteKit router is not running: the page URL is a reactive URL the
// mocked goto() moves, so the detail pane follows it as in the app.
vi.mock('$app/state', async () => {
	const { SvelteURL } = await import('svelte/reactivity');
	return { page: { url: new SvelteURL('http://localhost/orders') } };
});
vi.mock('$app/navigation', () => ({
	goto: vi.fn(async (href: string) => {
		const { page } = await import('$app/state');
		page.url.href = new URL(href, page.url).href;
	})
}));

const EMPTY: OrderFilter = {
	panel_id: null,
	status: null,
	mode: null,
	source: null,
	service_id: null,
	provider: null,
	created_from: null,
	created_to: null,
	text: null,
	user: null
};

/** jsdom lays nothing out: the table's scroll box gets a real size so rows render. */
const saved = new Map<string, PropertyDescriptor | undefined>();
function stub(name: string, descriptor: PropertyDescriptor) {
	saved.set(name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name));
	Object.defineProperty(HTMLElement.prototype, name, { configurable: true, ...descriptor });
}

beforeEach(() => {
	localStorage.clear();
	page.url.href = 'http://localhost/orders';
	vi.mocked(goto).mockClear();
	stub('clientHeight', {
		get(this: HTMLElement) {
			return this.dataset.testid === 'table-body' ? 320 : 0;
		}
	});
	stub('clientWidth', {
		get(this: HTMLElement) {
			return this.dataset.testid === 'table-body' ? 900 : 0;
		}
	});
	stub('scrollTo', {
		writable: true,
		value(this: HTMLElement, options?: ScrollToOptions) {
			if (options?.top === undefined || options.top === this.scrollTop) return;
			this.scrollTop = options.top;
			requestAnimationFrame(() => this.dispatchEvent(new Event('scroll')));
		}
	});
});

afterEach(() => {
	for (const [name, descriptor] of saved) {
		if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
		else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[name];
	}
	saved.clear();
});

async function renderOrders(backend: MockBackend = createMockBackend()) {
	const ctx = testContext(backend);
	await ctx.app.start();
	render(OrdersScreen, { context: ctx.context });
	await screen.findAllByTestId('table-row');
	return ctx;
}

const count = () => screen.getByTestId('row-count').textContent?.trim();
const shownIds = () => screen.getAllByTestId('table-row').map((r) => Number(r.dataset.id));
const cellOf = (row: HTMLElement, column: string) => {
	const index = screen
		.getAllByRole('columnheader')
		.findIndex((h) => h.dataset.column === column);
	return within(row).getAllByRole('gridcell')[index].textContent?.trim();
};
const lastCall = (backend: MockBackend, method: 'ordersList' | 'ordersCount') =>
	backend.calls.filter((c) => c.method === method).at(-1);

async function chooseStatus(user: ReturnType<typeof userEvent.setup>, label: string) {
	// The choices come from the cache's facets, read once the screen is up.
	await screen.findByRole('option', { name: label });
	await user.selectOptions(screen.getByTestId('filter-status'), label);
}

describe('OrdersScreen', () => {
	it('counts the cached orders and lists the newest first', async () => {
		await renderOrders();
		await waitFor(() => expect(count()).toBe('240 orders'));
		expect(screen.getByTestId('screen-title').textContent).toBe('Orders');
		expect(shownIds().slice(0, 3)).toEqual([100239, 100238, 100237]);
		const first = screen.getAllByTestId('table-row')[0];
		expect(cellOf(first, 'user')).toBe('user12');
		expect(cellOf(first, 'status')).toBe('Canceled');
		expect(cellOf(first, 'charge')).toBe('$0.35');
	});

	it('opens searching for ?q= (a user pane\'s "all orders" link)', async () => {
		page.url.href = 'http://localhost/orders?q=user3';
		const backend = createMockBackend();
		await renderOrders(backend);
		expect(lastCall(backend, 'ordersList')?.args[0]).toEqual({ ...EMPTY, text: 'user3' });
		expect((screen.getByTestId('filter-text') as HTMLInputElement).value).toBe('user3');
		await waitFor(() => expect(count()).toMatch(/orders match the filters$/));
	});

	it('says when the row count cannot be read, and keeps the rows', async () => {
		const backend = createMockBackend({
			failWith: { ordersCount: { code: 'database', message: 'disk I/O error', fix: null } }
		});
		await renderOrders(backend);
		await waitFor(() => expect(count()).toBe('The row count is not available right now'));
		expect(screen.getAllByTestId('table-row').length).toBeGreaterThan(0);
	});

	it('filters by status: the table and the count query again with it', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		await renderOrders(backend);
		await waitFor(() => expect(count()).toBe('240 orders'));

		await chooseStatus(user, 'Completed');
		const completed = backend.data.orders.filter((o) => o.status === 'completed').length;
		expect(completed).toBe(48);
		await waitFor(() => expect(count()).toBe(`${completed} orders match the filters`));
		expect(lastCall(backend, 'ordersCount')?.args[0]).toEqual({ ...EMPTY, status: 'completed' });
		expect(lastCall(backend, 'ordersList')?.args).toEqual([
			{ ...EMPTY, status: 'completed' },
			{ sort: { column: 'id', dir: 'desc' }, after: null, limit: 200 }
		]);
		await waitFor(() =>
			expect(screen.getAllByTestId('table-row').map((r) => cellOf(r, 'status'))).toEqual(
				expect.arrayContaining(['Completed'])
			)
		);
		expect(new Set(screen.getAllByTestId('table-row').map((r) => cellOf(r, 'status')))).toEqual(new Set(['Completed']));

		// Clearing the filters brings every order back.
		await user.click(screen.getByTestId('clear-filters'));
		await waitFor(() => expect(count()).toBe('240 orders'));
		expect(screen.queryByTestId('clear-filters')).toBeNull();
	});

	it('finds an order by its ID in the search box', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		await renderOrders(backend);

		await user.type(screen.getByTestId('filter-text'), '100007{Enter}');
		await waitFor(() => expect(shownIds()).toEqual([100007]));
		await waitFor(() => expect(count()).toBe('1 order matches the filters'));
		expect(lastCall(backend, 'ordersList')?.args[0]).toEqual({ ...EMPTY, text: '100007' });
	});

	it('says when no order matches the filters', async () => {
		const user = userEvent.setup();
		await renderOrders();
		await user.type(screen.getByTestId('filter-text'), 'nobody-at-all{Enter}');
		expect((await screen.findByTestId('table-empty')).textContent).toBe('No orders match these filters.');
		await waitFor(() => expect(count()).toBe('0 orders match the filters'));
		expect((screen.getByTestId('export-csv') as HTMLButtonElement).disabled).toBe(true);
	});

	it('exports the current filter to CSV and says where the file went', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		// The mock always reports one row: answer with the real number.
		const exportCsv = backend.exportCsv;
		backend.exportCsv = async (req) => ({ ...(await exportCsv(req)), rows: 48 });
		await renderOrders(backend);
		await chooseStatus(user, 'Completed');
		await waitFor(() => expect(count()).toBe('48 orders match the filters'));

		await user.click(screen.getByTestId('export-csv'));
		const note = await screen.findByTestId('export-note');
		expect(note.textContent).toBe('Saved 48 rows to /home/operator/Downloads/paneldesk-orders.csv');
		expect(note.classList.contains('error')).toBe(false);
		const call = backend.calls.filter((c) => c.method === 'exportCsv');
		expect(call).toHaveLength(1);
		expect(call[0].args[0]).toEqual({ table: 'orders', filter: { ...EMPTY, status: 'completed' } });
		expect(screen.getByTestId('export-csv').textContent?.trim()).toBe('Export CSV');
	});

	it('shows why an export failed, with the fix', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend({
			failWith: {
				exportCsv: {
					code: 'io',
					message: 'Could not write /home/operator/Downloads/paneldesk-orders.csv.',
					fix: 'Free some disk space, then export again.'
				}
			}
		});
		await renderOrders(backend);
		await user.click(screen.getByTestId('export-csv'));
		const note = await screen.findByTestId('export-note');
		expect(note.textContent).toContain('Could not write /home/operator/Downloads/paneldesk-orders.csv.');
		expect(note.textContent).toContain('Free some disk space, then export again.');
		expect(note.classList.contains('error')).toBe(true);
		expect((screen.getByTestId('export-csv') as HTMLButtonElement).disabled).toBe(false);
	});

	it('opens a clicked order in the detail pane through the URL, and closes it', async () => {
		const user = userEvent.setup();
		await renderOrders();
		await user.click(screen.getAllByTestId('table-row')[1]);
		expect(goto).toHaveBeenCalledWith('/orders?panel=1&open=100238', { keepFocus: true, noScroll: true });

		const pane = await screen.findByTestId('detail-pane');
		expect(within(pane).getByTestId('detail-title').textContent).toBe('Order #100238');
		await waitFor(() => expect(within(pane).getByTestId('order-link').textContent).toBe('https://instagram.com/p/post238'));
		expect(screen.getAllByTestId('table-row')[1].getAttribute('aria-selected')).toBe('true');

		await user.click(within(pane).getByTestId('detail-close'));
		expect(goto).toHaveBeenLastCalledWith('/orders', { keepFocus: true, noScroll: true });
		await waitFor(() => expect(screen.queryByTestId('detail-pane')).toBeNull());
	});

	it('counts and lists again when a sync step brings new orders', async () => {
		const backend = createMockBackend();
		await renderOrders(backend);
		await waitFor(() => expect(count()).toBe('240 orders'));

		backend.data.orders.push({ ...backend.data.orders[0], id: 100_500, created: MOCK_NOW - 1 });
		backend.emitSync({ kind: 'state', panel: 'Main', resource: 'orders', status: 'ok', error: null });
		await waitFor(() => expect(count()).toBe('241 orders'));
		await waitFor(() => expect(shownIds()[0]).toBe(100_500));
	});
});

describe('UsersScreen', () => {
	beforeEach(() => {
		page.url.href = 'http://localhost/users';
	});

	it('counts the users, searches them and opens one', async () => {
		const user = userEvent.setup();
		const ctx = testContext(createMockBackend());
		await ctx.app.start();
		render(UsersScreen, { context: ctx.context });
		await screen.findAllByTestId('table-row');
		await waitFor(() => expect(count()).toBe('12 users'));
		expect(shownIds()).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);

		await user.type(screen.getByTestId('filter-text'), 'user5@{Enter}');
		await waitFor(() => expect(shownIds()).toEqual([5]));
		await waitFor(() => expect(count()).toMatch(/^1 users? match/));

		await user.click(screen.getAllByTestId('table-row')[0]);
		expect(goto).toHaveBeenCalledWith('/users?panel=1&open=5', { keepFocus: true, noScroll: true });
		const pane = await screen.findByTestId('detail-pane');
		expect((await within(pane).findByTestId('user-username')).textContent).toBe('user5');
	});
});

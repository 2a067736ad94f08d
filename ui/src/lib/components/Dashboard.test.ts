import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CriticalService } from '$lib/backend';
import { createMockBackend, MOCK_NOW, sampleData, samplePanel, type MockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import Dashboard from './Dashboard.svelte';

/** Two panels with different numbers: Main 16 orders and 12 users, Reseller 15 orders and 4 users. */
function twoPanels(): MockBackend {
	const data = sampleData(31, [samplePanel(1, 'Main'), samplePanel(2, 'Reseller')]);
	data.users = data.users.filter((u) => u.panel_id === 1 || u.id <= 4);
	data.payments = data.payments.filter((p) => p.panel_id === 1 || p.id <= 5003);
	return createMockBackend({ data });
}

async function renderDashboard(backend: MockBackend) {
	const ctx = testContext(backend);
	await ctx.app.start();
	render(Dashboard, { context: ctx.context });
	await waitFor(() => expect(screen.getByTestId('total-orders').textContent).not.toBe('—'));
	return ctx;
}

const total = (id: string) => screen.getByTestId(`total-${id}`).textContent;

const CRITICAL: CriticalService[] = [
	{ panel_id: 1, service_id: 101, service_name: 'Instagram Followers', stuck: 40, score: 0.92 },
	{ panel_id: 2, service_id: 205, service_name: 'TikTok Views', stuck: 12, score: 0.7 }
];

describe('Dashboard', () => {
	beforeEach(() => {
		// The samples' clock, so "waiting 4 h" is the same on every run.
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(MOCK_NOW * 1000);
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('sums the totals over every panel and shows each panel’s own', async () => {
		await renderDashboard(twoPanels());
		expect(total('orders')).toBe('31');
		expect(total('users')).toBe('16');
		expect(total('payments')).toBe('15');
		expect(total('tickets')).toBe('12');
		expect(screen.getByTestId('totals').textContent).toContain('10 open');

		const rows = screen.getAllByTestId('dashboard-panel');
		expect(rows.map((r) => r.dataset.panel)).toEqual(['Main', 'Reseller']);
		const cells = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent?.trim());
		expect(cells(rows[0])).toEqual(['Main', 'Connected', '16', '6', '6', '12', '12', '2 min ago']);
		expect(cells(rows[1])).toEqual(['Reseller', 'Connected', '15', '6', '6', '4', '3', '2 min ago']);
	});

	it('shows a hostile ticket subject and username as text, never as markup', async () => {
		const data = sampleData(5);
		const hostile = '<img src=x onerror="window.pwned=1">Refill <script>window.pwned=2</script>';
		data.tickets[0].subject = hostile;
		data.tickets[0].username = '<b onmouseover="alert(1)">eve</b>';
		await renderDashboard(createMockBackend({ data }));
		const waiting = screen.getByTestId('waiting-tickets');
		expect(waiting.textContent).toContain(hostile);
		expect(waiting.textContent).toContain('<b onmouseover="alert(1)">eve</b>');
		expect(waiting.querySelector('img, script, b')).toBeNull();
		expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
	});

	it('shows no critical bar when no service is critical', async () => {
		await renderDashboard(twoPanels());
		expect(screen.queryByTestId('critical-bar')).toBeNull();
		expect(screen.queryByTestId('copy-critical')).toBeNull();
	});

	it('shows the critical services and copies all their IDs, one a line', async () => {
		const user = userEvent.setup();
		// After setup: user-event puts its own clipboard on navigator.
		const writeText = vi.fn(async () => {});
		Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
		const backend = twoPanels();
		backend.criticalServices = async () => CRITICAL;
		await renderDashboard(backend);

		const bar = await screen.findByTestId('critical-bar');
		expect(bar.getAttribute('role')).toBe('alert');
		expect(bar.textContent).toContain('2 critical services');
		expect(bar.textContent).toContain('101 · Instagram Followers, 205 · TikTok Views');

		const copy = screen.getByTestId('copy-critical');
		expect(copy.textContent?.trim()).toBe('Copy all critical IDs');
		await user.click(copy);
		expect(writeText).toHaveBeenCalledTimes(1);
		expect(writeText).toHaveBeenCalledWith('101\n205');
		await waitFor(() => expect(copy.textContent?.trim()).toBe('Copied'));
	});

	it('shows the totals while the red bar is still being computed, then the bar', async () => {
		const backend = twoPanels();
		let computed: (c: CriticalService[]) => void = () => {};
		backend.criticalServices = () => new Promise((resolve) => (computed = resolve));
		await renderDashboard(backend);
		expect(total('orders')).toBe('31');
		expect(screen.queryByTestId('critical-bar')).toBeNull();
		computed(CRITICAL);
		expect((await screen.findByTestId('critical-bar')).textContent).toContain('2 critical services');
		expect(total('orders')).toBe('31');
	});

	it('asks for the red bar only once the totals are in, so the two never share the start', async () => {
		const backend = twoPanels();
		const read = backend.dashboard;
		let answer: () => void = () => {};
		backend.dashboard = () => new Promise((resolve) => (answer = () => resolve(read())));
		const asked = vi.fn(async () => CRITICAL);
		backend.criticalServices = asked;
		const ctx = testContext(backend);
		await ctx.app.start();
		render(Dashboard, { context: ctx.context });
		await tick();
		expect(total('orders')).toBe('—');
		expect(asked).not.toHaveBeenCalled();
		answer();
		expect((await screen.findByTestId('critical-bar')).textContent).toContain('2 critical services');
		expect(total('orders')).toBe('31');
		expect(asked).toHaveBeenCalledTimes(1);
	});

	it('lists the tickets whose customers have waited longest first', async () => {
		await renderDashboard(createMockBackend());
		const items = within(screen.getByTestId('waiting-tickets')).getAllByRole('listitem');
		expect(items.map((li) => li.querySelector('.wait')?.textContent)).toEqual([
			'waiting 4 h',
			'waiting 3 h',
			'waiting 2 h',
			'waiting 1 h',
			'waiting 50 min'
		]);
		expect(items[0].textContent).toContain('#905');
		expect(items[0].textContent).toContain('Orders - Refill');
		expect(items[0].textContent).toContain('user5');
		expect(within(items[0]).getByRole('link').getAttribute('href')).toBe('/tickets?panel=1&open=905');
		// The closed ticket waits for nobody.
		expect(screen.getByTestId('waiting-tickets').textContent).not.toContain('#906');
	});

	it('says so when no customer is waiting', async () => {
		const backend = createMockBackend();
		backend.data.tickets.forEach((t) => (t.waiting_since = null));
		await renderDashboard(backend);
		expect(screen.getByTestId('no-waiting').textContent).toBe('No customer is waiting for an answer.');
		expect(screen.queryByTestId('waiting-tickets')).toBeNull();
	});

	it('reloads when a sync step ends', async () => {
		const backend = twoPanels();
		await renderDashboard(backend);
		expect(total('orders')).toBe('31');
		const loads = backend.calls.filter((c) => c.method === 'dashboard').length;

		backend.data.orders.push({ ...backend.data.orders[0], id: 200_000 }, { ...backend.data.orders[1], id: 200_001 });
		backend.emitSync({ kind: 'state', panel: 'Main', resource: 'orders', status: 'ok', error: null });
		await waitFor(() => expect(total('orders')).toBe('33'));
		expect(backend.calls.filter((c) => c.method === 'dashboard').length).toBe(loads + 1);

		// A sync that only started changes nothing yet.
		backend.emitSync({ kind: 'state', panel: 'Main', resource: 'orders', status: 'running', error: null });
		await tick();
		expect(backend.calls.filter((c) => c.method === 'dashboard').length).toBe(loads + 1);
	});

	it('shows a failed load with its fix', async () => {
		const ctx = testContext(
			createMockBackend({
				failWith: { dashboard: { code: 'database', message: 'The cache could not be opened.', fix: 'Restart Paneldesk.' } }
			})
		);
		await ctx.app.start();
		render(Dashboard, { context: ctx.context });
		const alert = await screen.findByRole('alert');
		expect(alert.textContent).toContain('The cache could not be opened.');
		expect(alert.textContent).toContain('Restart Paneldesk.');
		expect(total('orders')).toBe('—');
	});
});

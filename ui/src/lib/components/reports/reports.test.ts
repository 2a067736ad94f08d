import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockBackend, MOCK_NOW, sampleData, samplePanel, type MockBackend } from '$lib/backend/mock';
import type { ReportRequest } from '$lib/backend';
import { testContext } from '$lib/test-context';
import FlaggedReplies from './FlaggedReplies.svelte';
import ReportedServices from './ReportedServices.svelte';
import ServiceHealth from './ServiceHealth.svelte';
import StaffStats from './StaffStats.svelte';
import TopSpenders from './TopSpenders.svelte';

function backend(options: Parameters<typeof createMockBackend>[0] = {}): MockBackend {
	return createMockBackend({ data: sampleData(10, [samplePanel(1, 'Main')]), ...options });
}

/** The app's shared data started on `b`: the context a screen renders in. */
async function context(b: MockBackend) {
	const ctx = testContext(b);
	await ctx.app.start();
	return ctx.context;
}

const runs = (b: MockBackend) => b.calls.filter((c) => c.method === 'reportRun').map((c) => c.args[1] as ReportRequest);

describe('Service health', () => {
	it('shows the scored services, the red bar of the critical one, and snoozes them all', async () => {
		const b = backend();
		render(ServiceHealth, { context: await context(b) });
		const rows = await screen.findAllByTestId('health-row');
		expect(rows.map((r) => r.dataset.status)).toEqual(['critical', 'healthy']);
		expect(within(rows[0]).getByText('Critical')).toBeTruthy();
		const bar = screen.getByTestId('red-bar');
		expect(bar.textContent).toContain('1 critical service');
		expect(bar.textContent).toContain('101');
		await userEvent.click(screen.getByTestId('snooze-all'));
		await waitFor(() => expect(b.calls.some((c) => c.method === 'servicesSnooze')).toBe(true));
		expect(b.calls.find((c) => c.method === 'servicesSnooze')?.args).toEqual([1, [101]]);
		// Computed again after the snooze.
		await waitFor(() => expect(runs(b).length).toBe(2));
	});

	it('asks again with the window chosen, a custom one too, and exports what is shown', async () => {
		const b = backend();
		render(ServiceHealth, { context: await context(b) });
		await screen.findAllByTestId('health-row');
		expect(runs(b)[0]).toEqual({ panel_id: null, window_hours: 24, profile: null, at: null, rows: null });
		await userEvent.click(screen.getByTestId('report-window-72'));
		await waitFor(() => expect(runs(b).at(-1)?.window_hours).toBe(72));
		await userEvent.click(screen.getByTestId('report-window-custom'));
		await userEvent.type(screen.getByTestId('report-window-hours'), '5');
		await waitFor(() => expect(runs(b).at(-1)?.window_hours).toBe(5));
		await userEvent.click(screen.getByTestId('report-export'));
		await waitFor(() => expect(screen.getByTestId('report-export-note').textContent).toContain('written to'));
		// The shown report's "now": the file holds exactly what the screen shows.
		const exported = b.calls.find((c) => c.method === 'reportExport');
		expect(exported?.args).toEqual(['service_health', { panel_id: null, window_hours: 5, profile: null, at: MOCK_NOW, rows: null }]);
	});

	it('says what to do when nothing is in the window, and shows an error with its fix', async () => {
		const empty = backend();
		empty.reportRun = async () => ({ kind: 'service_health', report: { window_hours: 24, at: MOCK_NOW, services: [] } });
		render(ServiceHealth, { context: await context(empty) });
		expect((await screen.findByTestId('report-empty')).textContent).toContain('Pick a longer window');
		document.body.innerHTML = '';

		const failing = backend({ failWith: { reportRun: { code: 'database', message: 'the cache is locked', fix: 'Close the other program.' } } });
		render(ServiceHealth, { context: await context(failing) });
		const error = await screen.findByTestId('report-error');
		expect(error.textContent).toContain('the cache is locked');
		expect(error.textContent).toContain('Close the other program.');
	});

	it('opens a row’s 30-day trend, and says so when no day was kept yet', async () => {
		const b = backend();
		b.serviceTrend = async () => Array.from({ length: 30 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, score: null }));
		render(ServiceHealth, { context: await context(b) });
		const rows = await screen.findAllByTestId('health-row');
		await userEvent.click(within(rows[1]).getByText('TikTok Views', { exact: false }));
		expect((await screen.findByTestId('trend-empty')).textContent).toContain('keeps one each day it runs');
	});

	it('groups the same rules by provider on request', async () => {
		const b = backend();
		render(ServiceHealth, { context: await context(b) });
		await screen.findAllByTestId('health-row');
		await userEvent.click(screen.getByTestId('health-by-provider'));
		const row = await screen.findByTestId('provider-row');
		expect(row.textContent).toContain('smmfast.example');
		expect(row.dataset.status).toBe('warning');
		expect(b.calls.filter((c) => c.method === 'reportRun').at(-1)?.args[0]).toBe('service_health_by_provider');
	});

	it('moves between rows with the arrows', async () => {
		render(ServiceHealth, { context: await context(backend()) });
		const rows = await screen.findAllByTestId('health-row');
		rows[0].focus();
		await userEvent.keyboard('{ArrowDown}');
		expect(document.activeElement).toBe(rows[1]);
		await userEvent.keyboard('{Home}');
		expect(document.activeElement).toBe(rows[0]);
	});
});

describe('Top spenders', () => {
	it('lists spenders with money in their currency and the New badge', async () => {
		render(TopSpenders, { context: await context(backend()) });
		const row = await screen.findByTestId('spender-row');
		expect(row.textContent).toContain('carol');
		expect(row.textContent).toContain('$42.50');
		expect(within(row).getByTestId('new-badge').textContent).toBe('New');
	});

	it('charts the top spenders’ spend per day, per currency, and follows the operator’s picks', async () => {
		const b = backend();
		render(TopSpenders, { context: await context(b) });
		const chart = await screen.findByTestId('spend-chart');
		expect(chart.dataset.currency).toBe('USD');
		const asked = b.calls.find((c) => c.method === 'spendDays');
		expect(asked?.args[1]).toEqual([{ panel_id: 1, username: 'carol' }]);
		const pick = screen.getByTestId('spender-chart-pick') as HTMLInputElement;
		expect(pick.checked).toBe(true);
		await userEvent.click(pick);
		await waitFor(() => expect(screen.queryByTestId('spend-chart')).toBeNull());
		// Picking a row's box never opens the user.
		expect(b.calls.filter((c) => c.method === 'spendDays')).toHaveLength(1);
	});
});

describe('Top spenders on a big panel', () => {
	it('asks for 200 rows at a time, says how many there are, shows more on demand, and exports them all', async () => {
		const b = backend();
		const users = Array.from({ length: 450 }, (_, i) => ({
			panel: 'Main', user_id: i + 1, username: `user${i + 1}`, joined: null, is_new: false, payments_count: 0,
			payments_total: 0, spend: 5_000 - i, lifetime: null, currency: 'USD', top_services: []
		}));
		const asked: (number | null)[] = [];
		b.reportRun = async (_kind, req) => {
			asked.push(req.rows ?? null);
			const report = { window_hours: 24, at: MOCK_NOW, users: users.slice(0, req.rows ?? users.length) };
			return { kind: 'top_spenders', report: req.rows == null ? report : { ...report, users_total: users.length } };
		};
		render(TopSpenders, { context: await context(b) });
		await waitFor(() => expect(screen.getAllByTestId('spender-row')).toHaveLength(200));
		expect(asked).toEqual([200]);
		expect(screen.getAllByTestId('spender-row')[0].textContent).toContain('user1');
		expect(screen.getByTestId('spenders-more').textContent).toContain('The first 200 of 450 users, by spend');
		await userEvent.click(screen.getByTestId('spenders-show-more'));
		await waitFor(() => expect(screen.getAllByTestId('spender-row')).toHaveLength(400));
		expect(screen.getByTestId('spenders-show-more').textContent?.trim()).toBe('Show 50 more');
		await userEvent.click(screen.getByTestId('spenders-show-more'));
		await waitFor(() => expect(screen.getAllByTestId('spender-row')).toHaveLength(450));
		expect(screen.queryByTestId('spenders-more')).toBeNull();
		expect(asked).toEqual([200, 400, 600]);

		await userEvent.click(screen.getByTestId('report-export'));
		await waitFor(() => expect(b.calls.some((c) => c.method === 'reportExport')).toBe(true));
		expect((b.calls.find((c) => c.method === 'reportExport')?.args[1] as ReportRequest).rows).toBeNull();
	});
});

describe('Flagged replies', () => {
	it('drills down from a staff member to their flagged tickets, and from a service to its samples', async () => {
		const b = backend();
		render(FlaggedReplies, { context: await context(b) });
		await userEvent.click(await screen.findByTestId('flagged-staff-row'));
		const link = await screen.findByTestId('flagged-ticket');
		expect(link.textContent).toBe('Ticket #9001 · Main');
		expect(link.getAttribute('href')).toContain('open=9001');

		await userEvent.click(screen.getByTestId('flagged-by-service'));
		expect((await screen.findByTestId('not-fetched')).textContent).toContain('2 tickets');
		await userEvent.click(await screen.findByTestId('flagged-service-row'));
		expect((await screen.findByTestId('service-samples')).textContent).toContain('orders 550001, 550002');
		await userEvent.click(screen.getByTestId('fetch-missing'));
		await waitFor(() => expect(b.calls.some((c) => c.method === 'reportFetchMissing')).toBe(true));
	});
});

describe('Staff statistics', () => {
	it('shows answered tickets and the mean response, and replies per day with the days between as 0', async () => {
		const b = backend();
		render(StaffStats, { context: await context(b) });
		const row = await screen.findByTestId('staff-stats-row');
		expect(within(row).getAllByRole('cell').map((c) => c.textContent)).toEqual(['kai', '5', '9.5']);
		const chart = (await screen.findByTestId('staff-chart')).querySelector('[data-testid="line-chart"]') as HTMLElement;
		// 11-30, 12-01 (none: 0) and 12-02: three points of one series.
		expect([chart.dataset.series, chart.dataset.points]).toEqual(['1', '3']);
		// The same request as the report, at the report's own "now".
		expect(b.calls.find((c) => c.method === 'staffDays')?.args).toEqual([{ panel_id: null, window_hours: 24, profile: null, at: MOCK_NOW, rows: null }]);
	});
});

describe('Reported services', () => {
	it('says how to report one, then lists a report and resolves it', async () => {
		const b = backend();
		render(ReportedServices, { context: await context(b) });
		expect((await screen.findByTestId('report-empty')).textContent).toContain('Report one from an order');
		await b.serviceReport({ panel_id: 1, service_id: 101, reason: 'drops after a day', source: 'order', source_id: 5 });
		document.body.innerHTML = '';
		render(ReportedServices, { context: await context(b) });
		const row = await screen.findByTestId('reported-row');
		expect(row.textContent).toContain('drops after a day');
		expect(within(row).getByRole('link').textContent).toBe('Order #5');
		await userEvent.click(screen.getByTestId('reported-resolve'));
		await waitFor(() => expect(screen.getByTestId('reported-row').dataset.resolved).toBe('true'));
	});
});

import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type Backend, type SyncOverview } from '$lib/backend';
import { createMockBackend, sampleData, samplePanel, type MockBackend, type MockBackendOptions } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import SyncSettings from './SyncSettings.svelte';

const PANELS = [samplePanel(1, 'Main'), samplePanel(2, 'Reseller')];

/** The page over a mock; `patch` replaces some of the mock's methods. */
async function renderPage(
	options: MockBackendOptions = {},
	patch?: (mock: MockBackend) => Partial<Backend>
) {
	const mock = createMockBackend({ data: sampleData(20, PANELS), ...options });
	if (patch) Object.assign(mock, patch(mock));
	const ctx = testContext(mock);
	await ctx.app.start();
	render(SyncSettings, { context: ctx.context });
	await screen.findAllByTestId('sync-row');
	return ctx;
}

const row = (panel: string, resource: string) =>
	screen
		.getAllByTestId('sync-row')
		.find((r) => r.dataset.panel === panel && r.dataset.resource === resource)!;

describe('SyncSettings', () => {
	it('keeps syncing in the tray when the window closes, once the operator chooses it', async () => {
		const ctx = await renderPage();
		const box = within(await screen.findByTestId('close-to-tray')).getByRole('checkbox') as HTMLInputElement;
		expect(box.checked).toBe(false);
		await userEvent.click(box);
		const mock = ctx.backend;
		await waitFor(() => expect(mock.calls.find((c) => c.method === 'closeToTraySet')?.args).toEqual([true]));
		expect(box.checked).toBe(true);
	});

	it('shows a row per panel and resource, grouped by panel', async () => {
		await renderPage();
		expect(screen.getByTestId('screen-title').textContent).toBe('Sync engine');
		expect(screen.getAllByTestId('sync-row')).toHaveLength(10);
		expect(screen.getByRole('heading', { name: 'Main' })).toBeTruthy();
		expect(screen.getByRole('heading', { name: 'Reseller' })).toBeTruthy();
		const orders = within(row('Main', 'orders'));
		expect(orders.getByRole('rowheader').textContent).toBe('Orders');
		expect((orders.getByTestId('sync-interval') as HTMLInputElement).value).toBe('60');
		expect((orders.getByTestId('sync-per-fetch') as HTMLInputElement).value).toBe('1000');
		expect(orders.getByTestId('sync-cached').textContent).toBe('10');
		expect(orders.getByTestId('sync-status').textContent).toBe('Ok');
		for (const header of [
			'Resource',
			'Interval (sec)',
			'Records per fetch',
			'Currently cached',
			'Last fetched',
			'Status'
		]) {
			expect(screen.getAllByRole('columnheader', { name: header })).toHaveLength(2);
		}
		expect(screen.getByText(/Changes apply instantly/)).toBeTruthy();
	});

	it('saves a changed interval with the right arguments and says so', async () => {
		const user = userEvent.setup();
		const { backend } = await renderPage();
		const input = within(row('Reseller', 'tickets')).getByTestId('sync-interval');
		await user.clear(input);
		await user.type(input, '30');
		await user.tab();
		await waitFor(() =>
			expect(within(row('Reseller', 'tickets')).getByTestId('sync-row-state').textContent).toContain(
				'Saved'
			)
		);
		const calls = backend.calls.filter((c) => c.method === 'syncSettingsSet');
		expect(calls).toEqual([
			{ method: 'syncSettingsSet', args: [2, 'tickets', { interval_s: 30, per_fetch: 1000 }] }
		]);
	});

	it('refuses an interval under 5 seconds and a per-fetch over 1000', async () => {
		const user = userEvent.setup();
		const { backend } = await renderPage();
		const interval = within(row('Main', 'orders')).getByTestId('sync-interval');
		await user.clear(interval);
		await user.type(interval, '3');
		await user.tab();
		const state = within(row('Main', 'orders')).getByTestId('sync-row-state');
		expect(state.textContent).toContain('at least 5');
		expect(interval.getAttribute('aria-invalid')).toBe('true');

		await user.clear(interval);
		await user.type(interval, '60');
		const perFetch = within(row('Main', 'orders')).getByTestId('sync-per-fetch');
		await user.clear(perFetch);
		await user.type(perFetch, '5000');
		await user.tab();
		expect(within(row('Main', 'orders')).getByTestId('sync-row-state').textContent).toContain(
			'from 1 to 1000'
		);
		expect(backend.calls.some((c) => c.method === 'syncSettingsSet')).toBe(false);
	});

	it('shows the error and its fix when the setting is not saved', async () => {
		const user = userEvent.setup();
		await renderPage({
			failWith: {
				syncSettingsSet: { code: 'database', message: 'The settings file is read-only.', fix: 'Check the data folder.' }
			}
		});
		const input = within(row('Main', 'users')).getByTestId('sync-per-fetch');
		await user.clear(input);
		await user.type(input, '200');
		await user.tab();
		const state = await within(row('Main', 'users')).findByRole('alert');
		expect(state.textContent).toContain('The settings file is read-only.');
		expect(state.textContent).toContain('Check the data folder.');
	});

	it('shows a progress bar while a sync runs, from the sync events', async () => {
		const { backend } = await renderPage();
		expect(screen.queryByTestId('sync-progress')).toBeNull();
		backend.emitSync({
			kind: 'progress',
			panel: 'Main',
			resource: 'orders',
			fetched: 250,
			total: 1000,
			rows_per_s: 125
		});
		const progress = await within(row('Main', 'orders')).findByTestId('sync-progress');
		const bar = within(progress).getByRole('progressbar');
		expect(bar.getAttribute('aria-valuenow')).toBe('250');
		expect(bar.getAttribute('aria-valuemax')).toBe('1000');
		expect(progress.textContent).toContain('250 / 1,000');
		expect(progress.textContent).toContain('125 rows/s');
		expect(within(row('Main', 'users')).queryByTestId('sync-progress')).toBeNull();
	});

	it('reloads the overview when a sync step ends, and shows its error', async () => {
		let error: string | null = null;
		let loads = 0;
		const { backend } = await renderPage({}, (mock) => ({
			syncOverview: async () => {
				loads += 1;
				const o = await createMockBackend({ data: mock.data }).syncOverview();
				const resources = o.resources.map((r) =>
					r.panel_id === 2 && r.resource === 'payments' && error
						? { ...r, status: 'error' as const, last_error: error }
						: r
				);
				return { ...o, resources } satisfies SyncOverview;
			}
		}));
		const before = loads;
		error = 'Reseller did not answer. Paneldesk retries on its own.';
		backend.emitSync({ kind: 'state', panel: 'Reseller', resource: 'payments', status: 'error', error });
		await waitFor(() =>
			expect(within(row('Reseller', 'payments')).getByTestId('sync-last-error').textContent).toBe(
				'Reseller did not answer. Paneldesk retries on its own.'
			)
		);
		expect(loads).toBe(before + 1);
		expect(within(row('Reseller', 'payments')).getByTestId('sync-status').textContent).toBe('Error');
	});

	it('starts a verify pass and shows how far it came, then that it ended', async () => {
		const user = userEvent.setup();
		const { backend } = await renderPage();
		await user.click(screen.getByTestId('verify-now'));
		expect(backend.calls.map((c) => c.method)).toContain('verifyNow');
		expect((await screen.findByTestId('verify-status')).textContent).toMatch(/Verify started/);
		const to = 1_796_000_000;
		backend.emitSync({ kind: 'verify', panel: 'Main', resource: 'orders', checked_to: to - 86_400, to });
		await waitFor(() =>
			expect(screen.getByTestId('verify-progress').textContent).toMatch(/^\s*Verifying Main: Orders created up to/)
		);
		backend.emitSync({ kind: 'verify', panel: 'Main', resource: 'tickets', checked_to: to, to });
		await waitFor(() =>
			expect(screen.getByTestId('verify-progress').textContent).toMatch(
				/^\s*Verified Main: Tickets compared with the panel up to/
			)
		);
	});

	it('says when this window took the sync over from another process', async () => {
		await renderPage({}, (mock) => ({
			syncOverview: async () => ({
				...(await createMockBackend({ data: mock.data }).syncOverview()),
				running: true,
				note: 'The other process stopped syncing: this window syncs now.'
			})
		}));
		expect((await screen.findByTestId('sync-note')).textContent).toBe(
			'The other process stopped syncing: this window syncs now.'
		);
		expect(screen.getByTestId('sync-now').hasAttribute('disabled')).toBe(false);
	});

	it('saves the retention and shows what was removed', async () => {
		const user = userEvent.setup();
		const asked: number[] = [];
		await renderPage({}, () => ({
			retentionSet: async (days: number) => {
				asked.push(days);
				return { orders: 12, payments: 3, tickets: 1 };
			}
		}));
		const input = screen.getByTestId('retention-days') as HTMLInputElement;
		expect(input.value).toBe('365');
		expect(
			screen.getByText(/immediately deletes finished orders, payments and closed tickets older/)
		).toBeTruthy();
		await user.clear(input);
		await user.type(input, '90');
		await user.click(screen.getByTestId('retention-save'));
		const result = await screen.findByTestId('retention-result');
		expect(result.textContent?.replace(/\s+/g, ' ')).toContain(
			'Removed 12 orders, 3 payments and 1 tickets'
		);
		expect(asked).toEqual([90]);
	});

	it('refuses a retention under 1 day', async () => {
		const user = userEvent.setup();
		const { backend } = await renderPage();
		const input = screen.getByTestId('retention-days');
		await user.clear(input);
		await user.type(input, '0');
		await user.click(screen.getByTestId('retention-save'));
		expect(screen.getByTestId('retention-result').textContent).toContain('at least 1');
		expect(backend.calls.some((c) => c.method === 'retentionSet')).toBe(false);
	});

	it('syncs now on demand', async () => {
		const user = userEvent.setup();
		const { backend } = await renderPage();
		await user.click(screen.getByTestId('sync-now'));
		expect((await screen.findByTestId('sync-now-status')).textContent).toContain('Sync started');
		expect(backend.calls.some((c) => c.method === 'syncNow')).toBe(true);
	});

	it('says when another process owns the sync', async () => {
		await renderPage({}, (mock) => ({
			syncOverview: async () => ({
				...(await createMockBackend({ data: mock.data }).syncOverview()),
				running: false,
				note: 'paneldesk-cli sync --watch (pid 4242) owns the sync of this data folder.'
			})
		}));
		const note = await screen.findByTestId('sync-note');
		expect(note.textContent).toContain('paneldesk-cli sync --watch (pid 4242)');
		expect(note.textContent).toContain('This window only reads.');
		expect((screen.getByTestId('sync-now') as HTMLButtonElement).disabled).toBe(true);
	});
});

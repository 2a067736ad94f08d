import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockBackend, sampleData, samplePanel, type MockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import Competitors from './Competitors.svelte';
import NotificationSettings from '../NotificationSettings.svelte';

// jsdom has no modal dialogs: enough of one for the editors.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
	this.open = true;
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
	this.open = false;
	this.dispatchEvent(new Event('close'));
};

function backend(options: Parameters<typeof createMockBackend>[0] = {}): MockBackend {
	return createMockBackend({ data: sampleData(10, [samplePanel(1, 'Main')]), ...options });
}

async function context(b: MockBackend) {
	const ctx = testContext(b);
	await ctx.app.start();
	return ctx.context;
}

describe('Competitors', () => {
	it('lists the rivals and every change; a profile hides price moves under its threshold', async () => {
		// The sample world: one rival, four changes, one a +25 % price move.
		const b = backend();
		render(Competitors, { context: await context(b) });
		const rivals = await screen.findAllByTestId('rival-row');
		expect(rivals).toHaveLength(1);
		expect(rivals[0].textContent).toContain('Rival SMM');
		const kinds = (await screen.findAllByTestId('change-row')).map((r) => r.dataset.kind);
		expect(kinds).toEqual(['new', 'price', 'renamed', 'removed']);
		const price = screen.getAllByTestId('change-row')[1];
		expect(price.textContent).toContain('+25.0 %');
		await userEvent.selectOptions(screen.getByTestId('watch-profile'), '1');
		await waitFor(() => expect(b.calls.filter((c) => c.method === 'competitorChanges').at(-1)?.args).toEqual([{ profile_id: 1, rival_id: null }]));
	});

	it('polls a rival on demand and says what it found; shows a service’s prices and a rival’s polls', async () => {
		const b = backend();
		render(Competitors, { context: await context(b) });
		await userEvent.click((await screen.findAllByTestId('rival-poll'))[0]);
		await waitFor(() => expect(screen.getByTestId('poll-notice').textContent).toContain('12 services, 4 changes since the last poll'));
		await userEvent.click(within(screen.getAllByTestId('change-row')[1]).getByText('YouTube Views', { exact: false }));
		const points = await screen.findAllByTestId('price-point');
		expect(points).toHaveLength(2);
		await userEvent.click(within(screen.getByTestId('rival-row')).getByText('Rival SMM'));
		expect(await screen.findAllByTestId('snapshot-row')).toHaveLength(2);
		await userEvent.click(screen.getByTestId('competitors-export'));
		await waitFor(() => expect(screen.getByTestId('poll-notice').textContent).toBe('4 rows written to /home/operator/Downloads/paneldesk-competitor-changes.csv'));
		expect(b.calls.find((c) => c.method === 'competitorChangesExport')?.args).toEqual([{ profile_id: null, rival_id: null }]);
	});

	it('says how to start with no rival, and shows a failure with its fix', async () => {
		const none = backend();
		await none.rivalRemove(1);
		const { unmount } = render(Competitors, { context: await context(none) });
		expect((await screen.findByTestId('no-rivals')).textContent).toContain('your account’s API key');
		unmount();
		const empty = createMockBackend({
			data: sampleData(10, [samplePanel(1, 'Main')]),
			failWith: { rivalsList: { code: 'keychain_unavailable', message: 'the OS keychain is not available', fix: 'Start and unlock your keyring.' } }
		});
		render(Competitors, { context: await context(empty) });
		await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Start and unlock your keyring.'));
	});

	it('adds a rival with its key, and a profile over it', async () => {
		const b = backend();
		render(Competitors, { context: await context(b) });
		await screen.findAllByTestId('rival-row');
		await userEvent.click(screen.getByTestId('add-rival'));
		await userEvent.type(screen.getByTestId('rival-name'), 'Second');
		await userEvent.type(screen.getByTestId('rival-url'), 'https://second.example');
		await userEvent.type(screen.getByTestId('rival-key'), 'secret-key-1234');
		await userEvent.click(screen.getByTestId('rival-save'));
		await waitFor(() => expect(screen.getAllByTestId('rival-row')).toHaveLength(2));
		expect(b.calls.find((c) => c.method === 'rivalSave')?.args).toEqual([null, { name: 'Second', url: 'https://second.example', key: 'secret-key-1234' }]);
		await userEvent.click(screen.getByTestId('new-watch-profile'));
		await userEvent.type(screen.getByTestId('wp-name'), 'All');
		await userEvent.clear(screen.getByTestId('wp-threshold'));
		await userEvent.type(screen.getByTestId('wp-threshold'), '10');
		await userEvent.click(screen.getByTestId('wp-save'));
		await waitFor(() => expect(b.calls.some((c) => c.method === 'watchProfileSave')).toBe(true));
		expect(b.calls.find((c) => c.method === 'watchProfileSave')?.args).toEqual([
			null,
			{ name: 'All', rival_ids: [1, 2], window_hours: 24, interval_minutes: 60, threshold_pct: 10 }
		]);
	});
});

describe('Notification settings', () => {
	it('shows each switch and saves a change at once', async () => {
		const b = backend();
		render(NotificationSettings, { context: await context(b) });
		const critical = (await screen.findByTestId('notify-critical')) as HTMLInputElement;
		expect(critical.checked).toBe(true);
		await userEvent.click(critical);
		await waitFor(() => expect(b.calls.find((c) => c.method === 'notificationSettingsSet')?.args).toEqual([{ service_critical: false, tickets: 'anyone', competitor_prices: true }]));
		await userEvent.selectOptions(screen.getByTestId('notify-tickets'), 'mine');
		await waitFor(() => expect(b.calls.filter((c) => c.method === 'notificationSettingsSet').at(-1)?.args).toEqual([{ service_critical: false, tickets: 'mine', competitor_prices: true }]));
	});
});

import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockBackend, sampleData, samplePanel, type MockBackendOptions } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import PanelsSettings from './PanelsSettings.svelte';

const PANELS = [
	samplePanel(1, 'Main', { admin_key_last4: 'a1b2', staff_name: 'kai', rate_limit: 3 }),
	samplePanel(2, 'Reseller', {
		status: 'auth_error',
		last_error: 'The panel refused the admin API key. Paste the key again in Settings > Panels.'
	}),
	samplePanel(3, 'Old', { enabled: false, status: 'disabled' }),
	samplePanel(4, 'Demo panel', { demo: true })
];

async function renderPage(options: MockBackendOptions = {}) {
	const ctx = testContext(createMockBackend({ data: sampleData(10, PANELS), ...options }));
	await ctx.app.refreshPanels();
	ctx.backend.calls.length = 0;
	render(PanelsSettings, { context: ctx.context });
	return ctx;
}

const row = (name: string) =>
	screen.getAllByTestId('panel-row').find((r) => r.getAttribute('data-panel-name') === name)!;

describe('PanelsSettings', () => {
	it('has the page title', async () => {
		await renderPage();
		expect(screen.getByTestId('screen-title').textContent).toBe('Panels');
		expect(document.title).toBe('Panels · Paneldesk');
	});

	it('lists every panel with its status, staff name, rate limit and masked key', async () => {
		await renderPage();
		expect(screen.getAllByTestId('panel-row').map((r) => r.getAttribute('data-panel-name'))).toEqual([
			'Main',
			'Reseller',
			'Old',
			'Demo panel'
		]);
		const main = within(row('Main'));
		expect(main.getByTestId('panel-status').textContent?.trim()).toBe('Connected');
		expect(main.getByTestId('panel-staff').textContent).toBe('kai');
		expect(main.getByTestId('panel-rate').textContent).toBe('3 requests/s');
		expect(main.getByTestId('panel-key').textContent?.trim()).toBe('•••• a1b2');
		expect(main.queryByTestId('panel-demo')).toBeNull();
		expect(within(row('Reseller')).getByTestId('panel-status').textContent?.trim()).toBe(
			'Auth error'
		);
		expect(within(row('Old')).getByTestId('panel-status').textContent?.trim()).toBe('Disabled');
		expect(within(row('Demo panel')).getByTestId('panel-demo').textContent).toBe('Demo');
	});

	it('says a panel that keeps answering 429 is rate limited', async () => {
		const ctx = testContext(
			createMockBackend({ data: sampleData(10, [samplePanel(5, 'Busy', { status: 'rate_limited' })]) })
		);
		await ctx.app.refreshPanels();
		render(PanelsSettings, { context: ctx.context });
		expect(within(row('Busy')).getByTestId('panel-status').textContent?.trim()).toBe('Rate limited');
	});

	it('shows the last error with its fix', async () => {
		await renderPage();
		expect(within(row('Reseller')).getByTestId('panel-last-error').textContent).toBe(
			'The panel refused the admin API key. Paste the key again in Settings > Panels.'
		);
		expect(within(row('Main')).queryByTestId('panel-last-error')).toBeNull();
	});

	it('tests a panel, shows the outcome and reads the panels again', async () => {
		const user = userEvent.setup();
		const { backend } = await renderPage();
		await user.click(within(row('Main')).getByTestId('panel-test-row'));
		const outcome = await within(row('Main')).findByTestId('panel-test-outcome');
		expect(outcome.textContent).toMatch(/Connected: 10 orders, \d+ users visible/);
		await waitFor(() =>
			expect(backend.calls.map((c) => c.method)).toEqual(['panelTest', 'panelsList'])
		);

		await user.click(within(row('Reseller')).getByTestId('panel-test-row'));
		const failed = await within(row('Reseller')).findByRole('alert');
		expect(failed.textContent).toContain('the panel refused the admin API key');
		expect(failed.textContent).toContain('Paste the key again.');
	});

	it('removes a panel only after the in-page confirmation', async () => {
		const user = userEvent.setup();
		const { backend, app } = await renderPage();
		await user.click(within(row('Old')).getByTestId('panel-remove'));
		expect(backend.calls).toEqual([]);
		const confirm = within(row('Old')).getByTestId('panel-remove-confirmation');
		expect(confirm.textContent?.replace(/\s+/g, ' ')).toMatch(/cached .* deleted from this computer/);

		await user.click(within(row('Old')).getByTestId('panel-remove-cancel'));
		expect(within(row('Old')).queryByTestId('panel-remove-confirmation')).toBeNull();
		expect(backend.calls).toEqual([]);

		await user.click(within(row('Old')).getByTestId('panel-remove'));
		await user.click(within(row('Old')).getByTestId('panel-remove-confirm'));
		await waitFor(() => expect(app.panels.map((p) => p.name)).not.toContain('Old'));
		expect(backend.calls.map((c) => c.method)).toEqual(['panelRemove', 'panelsList']);
		expect(backend.calls[0].args).toEqual([3]);
		expect(screen.getAllByTestId('panel-row')).toHaveLength(3);
	});

	it('disables and enables a panel', async () => {
		const user = userEvent.setup();
		const { backend } = await renderPage();
		const toggle = within(row('Main')).getByTestId('panel-toggle');
		expect(toggle.textContent?.trim()).toBe('Disable');
		await user.click(toggle);
		await waitFor(() =>
			expect(within(row('Main')).getByTestId('panel-status').textContent?.trim()).toBe('Disabled')
		);
		expect(backend.calls[0]).toEqual({
			method: 'panelUpdate',
			args: [
				1,
				{
					name: null,
					url: null,
					staff_name: null,
					rate_limit: null,
					admin_key: null,
					services_key: null,
					enabled: false
				}
			]
		});
		expect(within(row('Main')).getByTestId('panel-toggle').textContent?.trim()).toBe('Enable');

		await user.click(within(row('Old')).getByTestId('panel-toggle'));
		await waitFor(() =>
			expect(within(row('Old')).getByTestId('panel-toggle').textContent?.trim()).toBe('Disable')
		);
	});

	it('edits a panel in place', async () => {
		const user = userEvent.setup();
		const { app } = await renderPage();
		await user.click(within(row('Main')).getByTestId('panel-edit'));
		const name = within(row('Main')).getByTestId('panel-name') as HTMLInputElement;
		expect(name.value).toBe('Main');
		expect((within(row('Main')).getByTestId('panel-admin-key') as HTMLInputElement).placeholder).toBe(
			'•••• a1b2'
		);
		await user.clear(within(row('Main')).getByTestId('panel-staff-name'));
		await user.type(within(row('Main')).getByTestId('panel-staff-name'), 'mira');
		await user.click(within(row('Main')).getByTestId('panel-save'));
		await waitFor(() => expect(within(row('Main')).getByTestId('panel-staff').textContent).toBe('mira'));
		expect(app.panels[0].staff_name).toBe('mira');
	});

	it('adds a panel with the Add panel form', async () => {
		const user = userEvent.setup();
		await renderPage();
		await user.click(screen.getByTestId('panel-add'));
		await user.type(screen.getByTestId('panel-name'), 'Third');
		await user.type(screen.getByTestId('panel-url'), 'https://third.example');
		await user.type(screen.getByTestId('panel-admin-key'), 'key-9999');
		await user.click(screen.getByTestId('panel-save'));
		await waitFor(() => expect(row('Third')).toBeTruthy());
		expect(within(row('Third')).getByTestId('panel-key').textContent?.trim()).toBe('•••• 9999');
		expect(screen.queryByTestId('panel-form')).toBeNull();
	});

	it('explains how to add a panel when there is none', async () => {
		const ctx = testContext(createMockBackend({ data: sampleData(0, []) }));
		await ctx.app.refreshPanels();
		render(PanelsSettings, { context: ctx.context });
		expect(screen.getByTestId('panels-empty').textContent).toContain('Add panel');
		expect(screen.getByTestId('panel-add')).toBeTruthy();
	});
});

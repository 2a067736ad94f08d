import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockBackend, sampleData } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import Welcome from './Welcome.svelte';

/** A first run: no panel configured. */
function firstRun(options: Parameters<typeof createMockBackend>[0] = {}) {
	const ctx = testContext(createMockBackend({ data: sampleData(0, []), ...options }));
	render(Welcome, { context: ctx.context });
	return ctx;
}

describe('Welcome', () => {
	it('offers both choices, each explained', () => {
		firstRun();
		expect(screen.getByTestId('welcome-screen')).toBeTruthy();
		expect(screen.getByRole('heading', { name: 'Connect a panel' })).toBeTruthy();
		expect(screen.getByRole('heading', { name: /Explore the demo panel/ })).toBeTruthy();
		expect(screen.getByText(/remove it later in Settings › Panels/)).toBeTruthy();
		expect(document.title).toBe('Welcome · Paneldesk');
	});

	it('starts the demo, shows it is starting, then reads the panels again', async () => {
		const user = userEvent.setup();
		const { backend, app } = firstRun({ delayMs: 30 });
		await user.click(screen.getByTestId('start-demo'));

		expect(screen.getByTestId('demo-starting')).toBeTruthy();
		expect((screen.getByTestId('start-demo') as HTMLButtonElement).disabled).toBe(true);
		await waitFor(() => expect(app.panels).toHaveLength(1));
		expect(backend.calls.map((c) => c.method)).toEqual(['demoStart', 'panelsList']);
		expect(app.panels[0].demo).toBe(true);
	});

	it('shows why the demo could not start, with the fix', async () => {
		const user = userEvent.setup();
		const { backend } = firstRun({
			failWith: {
				demoStart: {
					code: 'io',
					message: 'Could not open a local port for the demo panel.',
					fix: 'Close other copies of Paneldesk and try again.'
				}
			}
		});
		await user.click(screen.getByTestId('start-demo'));
		const alert = await screen.findByRole('alert');
		expect(alert.textContent).toContain('Could not open a local port for the demo panel.');
		expect(screen.getByTestId('demo-error-fix').textContent).toContain('Close other copies');
		expect(backend.calls.map((c) => c.method)).toEqual(['demoStart']);
		expect((screen.getByTestId('start-demo') as HTMLButtonElement).disabled).toBe(false);
	});

	it('connects a panel through the form, then reads the panels again', async () => {
		const user = userEvent.setup();
		const { backend, app } = firstRun();
		await user.click(screen.getByTestId('connect-panel'));
		await user.type(screen.getByTestId('panel-name'), 'Main');
		await user.type(screen.getByTestId('panel-url'), 'https://main.example');
		await user.type(screen.getByTestId('panel-admin-key'), 'secret-key');
		await user.click(screen.getByTestId('panel-save'));

		await waitFor(() => expect(app.panels.map((p) => p.name)).toEqual(['Main']));
		expect(backend.calls.map((c) => c.method)).toEqual(['panelAdd', 'panelsList']);
	});

	it('goes back to the two choices with Cancel', async () => {
		const user = userEvent.setup();
		firstRun();
		await user.click(screen.getByTestId('connect-panel'));
		expect(screen.getByTestId('panel-form')).toBeTruthy();
		await user.click(screen.getByRole('button', { name: 'Cancel' }));
		expect(screen.queryByTestId('panel-form')).toBeNull();
		expect(screen.getByTestId('start-demo')).toBeTruthy();
	});
});

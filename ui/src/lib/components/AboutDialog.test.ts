import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { backendContext, type AppInfo, type Backend } from '$lib/backend';
import { createMockBackend } from '$lib/backend/mock';
import AboutDialog from './AboutDialog.svelte';

const INFO: AppInfo = {
	app_version: '1.4.2',
	cache_schema_version: 7,
	local_schema_version: 3,
	data_dir: '/tmp/pd-test/data',
	log_dir: '/tmp/pd-test/logs'
};

function renderDialog(backend: Backend) {
	const onclose = vi.fn();
	render(AboutDialog, { props: { onclose }, context: backendContext(backend) });
	return { onclose };
}

describe('AboutDialog', () => {
	it('is a labelled dialog', () => {
		renderDialog(createMockBackend());
		const dialog = screen.getByRole('dialog', { name: 'About Paneldesk' });
		expect(dialog.getAttribute('data-testid')).toBe('about-dialog');
		expect(dialog.getAttribute('aria-modal')).toBe('true');
	});

	it('shows Loading… until the backend answers, then the values it gave', async () => {
		const backend = createMockBackend({ appInfo: INFO, delayMs: 20 });
		renderDialog(backend);

		expect(screen.getByText('Loading…')).toBeTruthy();
		expect(screen.queryByTestId('app-version')).toBeNull();

		expect((await screen.findByTestId('app-version')).textContent).toBe('1.4.2');
		expect(screen.getByTestId('cache-schema-version').textContent).toBe('7');
		expect(screen.getByTestId('local-schema-version').textContent).toBe('3');
		expect(screen.getByTestId('data-dir').textContent).toBe('/tmp/pd-test/data');
		expect(screen.getByTestId('log-dir').textContent).toBe('/tmp/pd-test/logs');
		expect(screen.queryByText('Loading…')).toBeNull();
		expect(backend.calls.map((c) => c.method)).toEqual(['appInfo']);
	});

	it("shows the error's message and its fix when the backend fails", async () => {
		renderDialog(
			createMockBackend({
				failWith: {
					appInfo: {
						code: 'database_too_new',
						message: 'The cache was written by a newer Paneldesk (schema 9; this one knows 7).',
						fix: 'Update Paneldesk, or point it at another data folder.'
					}
				}
			})
		);

		const alert = await screen.findByRole('alert');
		expect(screen.getByTestId('about-error-message').textContent).toBe(
			'The cache was written by a newer Paneldesk (schema 9; this one knows 7).'
		);
		expect(screen.getByTestId('about-error-fix').textContent).toContain(
			'Update Paneldesk, or point it at another data folder.'
		);
		expect(alert.textContent).toContain('database_too_new');
		expect(screen.queryByText('Loading…')).toBeNull();
		expect(screen.queryByTestId('app-version')).toBeNull();
	});

	it('shows the message alone when the error has no fix', async () => {
		renderDialog(
			createMockBackend({ failWith: { appInfo: { code: 'io', message: 'Broken.', fix: null } } })
		);
		expect((await screen.findByTestId('about-error-message')).textContent).toBe('Broken.');
		expect(screen.queryByTestId('about-error-fix')).toBeNull();
	});

	it('handles a backend that rejects with something other than a BackendError', async () => {
		const backend: Backend = {
			...createMockBackend(),
			appInfo: () => Promise.reject('command app_info not found')
		};
		renderDialog(backend);
		expect((await screen.findByTestId('about-error-message')).textContent).toBe(
			'command app_info not found'
		);
		expect(screen.getByTestId('about-error-fix').textContent).toMatch(/Restart Paneldesk/);
	});

	it('closes with the Close button and with Esc', async () => {
		const user = userEvent.setup();
		const { onclose } = renderDialog(createMockBackend());
		await screen.findByTestId('app-version');

		await user.click(screen.getByRole('button', { name: 'Close' }));
		expect(onclose).toHaveBeenCalledTimes(1);
		await user.keyboard('{Escape}');
		expect(onclose).toHaveBeenCalledTimes(2);
	});

	it('puts focus on Close and keeps Tab inside the dialog', async () => {
		const user = userEvent.setup();
		renderDialog(createMockBackend());
		const close = screen.getByRole('button', { name: 'Close' });
		await waitFor(() => expect(document.activeElement).toBe(close));
		await user.tab();
		expect(document.activeElement).toBe(close);
		await user.tab({ shift: true });
		expect(document.activeElement).toBe(close);
	});
});

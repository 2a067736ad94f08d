import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { type Panel } from '$lib/backend';
import { createMockBackend, samplePanel, type MockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import PanelForm from './PanelForm.svelte';

function renderForm(backend: MockBackend, panel?: Panel) {
	const onsaved = vi.fn();
	const oncancel = vi.fn();
	const ontested = vi.fn();
	const { context } = testContext(backend);
	render(PanelForm, { props: { panel, onsaved, oncancel, ontested }, context });
	return { onsaved, oncancel, ontested };
}

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;

async function fill(user: ReturnType<typeof userEvent.setup>, values: Record<string, string>) {
	for (const [id, value] of Object.entries(values)) {
		await user.clear(input(id));
		if (value) await user.type(input(id), value);
	}
}

const FILLED = {
	'panel-name': 'Main',
	'panel-url': 'https://main.example',
	'panel-admin-key': 'key-1234',
	'panel-staff-name': 'kai'
};

describe('PanelForm', () => {
	it('has the fields, with the URL placeholder, a password key field and rate limit 5', () => {
		renderForm(createMockBackend());
		expect(input('panel-url').placeholder).toBe('https://yourpanel.example');
		expect(input('panel-admin-key').type).toBe('password');
		expect(input('panel-services-key').type).toBe('password');
		expect(input('panel-rate-limit').value).toBe('5');
		expect(screen.getByText(/must exactly match your staff name/i)).toBeTruthy();
		expect(screen.getByTestId('panel-save').textContent).toContain('Add panel');
	});

	it('shows what the panel let it see when the test succeeds', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend({ probe: () => ({ orders: 1234, users: 56, services: null }) });
		renderForm(backend);
		await fill(user, FILLED);
		await user.click(screen.getByTestId('panel-test'));

		const outcome = await screen.findByTestId('panel-form-outcome');
		await waitFor(() =>
			expect(outcome.textContent).toContain('Connected: 1,234 orders, 56 users visible')
		);
		expect(outcome.getAttribute('role')).toBe('status');
		const probe = backend.calls.find((c) => c.method === 'panelProbe');
		expect(probe?.args[0]).toEqual({
			name: 'Main',
			url: 'https://main.example',
			admin_key: 'key-1234',
			services_key: null,
			staff_name: 'kai',
			rate_limit: 5
		});
		expect(backend.calls.some((c) => c.method === 'panelAdd')).toBe(false);
	});

	it('shows a wrong key as such, with its fix', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend({
			probe: () => ({
				code: 'wrong_key',
				message: 'The panel refused the admin API key.',
				fix: 'Copy the key again from Settings › API in the panel admin.'
			})
		});
		renderForm(backend);
		await fill(user, FILLED);
		await user.click(screen.getByTestId('panel-test'));

		const alert = await screen.findByRole('alert');
		expect(alert.getAttribute('data-testid')).toBe('panel-form-outcome');
		expect(alert.textContent).toContain('Wrong API key');
		expect(alert.textContent).toContain('The panel refused the admin API key.');
		expect(screen.getByTestId('panel-form-error-fix').textContent).toContain(
			'Copy the key again from Settings › API in the panel admin.'
		);
	});

	it('tells an unreachable panel and a v1 URL apart', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend({
			probe: (key) =>
				key === 'down'
					? { code: 'unreachable', message: 'Could not reach main.example.', fix: 'Check the address.' }
					: {
							code: 'panel_url',
							message: 'This is an API v1 address; Paneldesk needs Admin API v2.',
							fix: 'Use the panel address, like https://yourpanel.example.'
						}
		});
		renderForm(backend);
		await fill(user, { ...FILLED, 'panel-admin-key': 'down' });
		await user.click(screen.getByTestId('panel-test'));
		expect((await screen.findByRole('alert')).textContent).toContain('Panel unreachable');
		expect(screen.getByTestId('panel-form-error-fix').textContent).toContain('Check the address.');

		await fill(user, { 'panel-admin-key': 'v1' });
		await user.click(screen.getByTestId('panel-test'));
		await waitFor(() =>
			expect(screen.getByRole('alert').textContent).toContain('API v1 address')
		);
		expect(screen.getByRole('alert').textContent).toContain('Not a panel address');
	});

	it('refuses to test or save without a URL, a name or a key, and calls nothing', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		const { onsaved } = renderForm(backend);
		await fill(user, { 'panel-name': 'Main' });
		await user.click(screen.getByTestId('panel-save'));
		expect(screen.getByText(/Enter the panel's address/)).toBeTruthy();
		expect(screen.getByText('Enter the admin API key.')).toBeTruthy();
		expect(input('panel-url').getAttribute('aria-invalid')).toBe('true');

		await user.click(screen.getByTestId('panel-test'));
		expect(backend.calls).toEqual([]);
		expect(onsaved).not.toHaveBeenCalled();
	});

	it('refuses a rate limit that is not a positive number', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		renderForm(backend);
		await fill(user, { ...FILLED, 'panel-rate-limit': '0' });
		await user.click(screen.getByTestId('panel-save'));
		expect(screen.getByText(/requests per second above 0/)).toBeTruthy();
		expect(backend.calls).toEqual([]);
	});

	it('adds the panel and hands it back', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		const { onsaved } = renderForm(backend);
		await fill(user, { ...FILLED, 'panel-name': 'Reseller', 'panel-rate-limit': '2.5' });
		await user.click(screen.getByTestId('panel-save'));
		await waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1));
		expect(onsaved.mock.calls[0][0]).toMatchObject({
			name: 'Reseller',
			rate_limit: 2.5,
			admin_key_last4: '1234'
		});
		expect(backend.data.panels.some((p) => p.name === 'Reseller')).toBe(true);
	});

	it('shows a duplicate name as a settings problem and adds nothing', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend(); // already has a panel named "Main"
		const { onsaved } = renderForm(backend);
		await fill(user, FILLED);
		await user.click(screen.getByTestId('panel-save'));
		const alert = await screen.findByRole('alert');
		expect(alert.textContent).toContain('These settings cannot be saved');
		expect(alert.textContent).toContain('a panel named "Main" already exists');
		expect(onsaved).not.toHaveBeenCalled();
		expect(backend.data.panels).toHaveLength(1);
	});

	it('keeps everything typed and shows message and fix when the save fails', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend({
			failWith: {
				panelAdd: {
					code: 'keychain_unavailable',
					message: 'The system keychain did not answer.',
					fix: 'Unlock your keyring, then try again.'
				}
			}
		});
		const { onsaved } = renderForm(backend);
		await fill(user, { ...FILLED, 'panel-services-key': 'svc-key' });
		await user.click(screen.getByTestId('panel-save'));

		const alert = await screen.findByRole('alert');
		expect(alert.textContent).toContain('The system keychain is not available');
		expect(alert.textContent).toContain('The system keychain did not answer.');
		expect(screen.getByTestId('panel-form-error-fix').textContent).toContain('Unlock your keyring');
		expect(input('panel-name').value).toBe('Main');
		expect(input('panel-url').value).toBe('https://main.example');
		expect(input('panel-admin-key').value).toBe('key-1234');
		expect(input('panel-services-key').value).toBe('svc-key');
		expect(input('panel-staff-name').value).toBe('kai');
		expect(onsaved).not.toHaveBeenCalled();
		expect((screen.getByTestId('panel-save') as HTMLButtonElement).disabled).toBe(false);
	});

	it('disables its buttons while a call runs', async () => {
		const user = userEvent.setup();
		renderForm(createMockBackend({ delayMs: 50 }));
		await fill(user, FILLED);
		await user.click(screen.getByTestId('panel-test'));
		expect((screen.getByTestId('panel-test') as HTMLButtonElement).disabled).toBe(true);
		expect((screen.getByTestId('panel-save') as HTMLButtonElement).disabled).toBe(true);
		await screen.findByText(/Connected:/);
		expect((screen.getByTestId('panel-save') as HTMLButtonElement).disabled).toBe(false);
	});

	describe('editing', () => {
		const panel = samplePanel(1, 'Main', { url: 'https://main.example', admin_key_last4: 'wxyz' });

		it('is prefilled, shows the stored key as its last four and keeps it when left empty', async () => {
			const user = userEvent.setup();
			const backend = createMockBackend({ data: { ...createMockBackend().data, panels: [panel] } });
			const { onsaved } = renderForm(backend, panel);
			expect(input('panel-name').value).toBe('Main');
			expect(input('panel-url').value).toBe('https://main.example');
			expect(input('panel-admin-key').value).toBe('');
			expect(input('panel-admin-key').placeholder).toBe('•••• wxyz');
			expect(screen.getByTestId('panel-save').textContent).toContain('Save');

			await fill(user, { 'panel-staff-name': 'mira' });
			await user.click(screen.getByTestId('panel-save'));
			await waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1));
			const call = backend.calls.find((c) => c.method === 'panelUpdate');
			expect(call?.args).toEqual([
				1,
				{
					name: 'Main',
					url: 'https://main.example',
					staff_name: 'mira',
					rate_limit: 5,
					admin_key: null,
					services_key: null,
					enabled: null
				}
			]);
		});

		it('tests the stored key when none was typed, and says the status changed', async () => {
			const user = userEvent.setup();
			const backend = createMockBackend({ data: { ...createMockBackend().data, panels: [panel] } });
			const { ontested } = renderForm(backend, panel);
			await user.click(screen.getByTestId('panel-test'));
			await screen.findByText(/Connected:/);
			expect(backend.calls.map((c) => c.method)).toEqual(['panelTest']);
			expect(ontested).toHaveBeenCalled();
		});
	});
});

import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import ApiKeysSettings from './ApiKeysSettings.svelte';

describe('API keys', () => {
	it('makes a key with only the scopes chosen, shows it once, then lists its prefix and revokes it', async () => {
		const b = createMockBackend();
		render(ApiKeysSettings, { context: testContext(b).context });
		await userEvent.click(await screen.findByTestId('api-key-new'));
		await userEvent.type(screen.getByTestId('api-key-name'), 'reporting script');
		await userEvent.selectOptions(screen.getByTestId('api-key-scope-orders'), 'read');
		await userEvent.selectOptions(screen.getByTestId('api-key-scope-payments'), 'write');
		await userEvent.click(screen.getByTestId('api-key-create'));

		expect((await screen.findByTestId('api-key-secret-value')).textContent).toMatch(/^pdk_/);
		expect(b.calls.find((c) => c.method === 'apiKeyCreate')?.args).toEqual([
			{
				name: 'reporting script',
				scopes: [
					{ resource: 'orders', access: 'read' },
					{ resource: 'payments', access: 'write' }
				],
				panels: []
			}
		]);
		await userEvent.click(screen.getByTestId('api-key-done'));
		expect(screen.queryByTestId('api-key-secret')).toBeNull();
		const row = await screen.findByTestId('api-key-row');
		expect(row.textContent).toContain('pdk_0a1b2c3d…');
		expect(row.textContent).toContain('Orders: read · Payments: read and write');
		expect(row.textContent).not.toContain('eeee');

		await userEvent.click(screen.getByTestId('api-key-revoke'));
		await waitFor(() => expect(screen.getByTestId('api-key-row').getAttribute('data-status')).toBe('revoked'));
		expect(screen.queryByTestId('api-key-revoke')).toBeNull();
	});

	it('turns the server on at the port typed and says where it serves', async () => {
		const b = createMockBackend();
		render(ApiKeysSettings, { context: testContext(b).context });
		expect((await screen.findByTestId('local-api-state')).textContent).toContain('Off');
		await userEvent.clear(screen.getByTestId('local-api-port'));
		await userEvent.type(screen.getByTestId('local-api-port'), '9123');
		await userEvent.click(screen.getByTestId('local-api-enabled'));
		await waitFor(() => expect(screen.getByTestId('local-api-state').textContent).toContain('Serving at http://127.0.0.1:9123'));
		expect(b.calls.find((c) => c.method === 'localApiSet')?.args).toEqual([{ enabled: true, port: 9123 }]);
	});
});

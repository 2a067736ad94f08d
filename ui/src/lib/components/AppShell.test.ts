import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import { backendContext, createMockBackend } from '$lib/backend';
import AppShell from './AppShell.svelte';

const children = createRawSnippet(() => ({ render: () => '<p>Screen content</p>' }));

describe('AppShell', () => {
	it('shows the sidebar and the screen, and opens About from the sidebar', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend({
			appInfo: {
				app_version: '2.0.0',
				cache_schema_version: 12,
				local_schema_version: 5,
				data_dir: '/d',
				log_dir: '/l'
			}
		});
		render(AppShell, {
			props: { currentPath: '/tickets', children },
			context: backendContext(backend)
		});

		expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
		expect(screen.getByRole('main').textContent).toContain('Screen content');
		expect(screen.queryByTestId('about-dialog')).toBeNull();

		const about = screen.getByTestId('about-button');
		await user.click(about);
		expect(screen.getByTestId('about-dialog')).toBeTruthy();
		expect((await screen.findByTestId('cache-schema-version')).textContent).toBe('12');
		expect(screen.getByTestId('local-schema-version').textContent).toBe('5');

		await user.keyboard('{Escape}');
		expect(screen.queryByTestId('about-dialog')).toBeNull();
		await waitFor(() => expect(document.activeElement).toBe(about));

		// Opens again, and asks the backend again.
		await user.click(about);
		await screen.findByTestId('app-version');
		await user.click(screen.getByRole('button', { name: 'Close' }));
		expect(screen.queryByTestId('about-dialog')).toBeNull();
		expect(backend.calls.map((c) => c.method).filter((m) => m === 'appInfo')).toEqual([
			'appInfo',
			'appInfo'
		]);
	});
});

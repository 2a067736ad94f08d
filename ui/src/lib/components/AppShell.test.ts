import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { goto } from '$app/navigation';
import { createMockBackend, sampleData, samplePanel } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import AppShell from './AppShell.svelte';

vi.mock('$app/navigation', () => ({ goto: vi.fn(async () => {}) }));

const children = createRawSnippet(() => ({ render: () => '<p>Screen content</p>' }));

describe('AppShell', () => {
	it('does what the app menu asks: About, Go to…, a screen', async () => {
		const backend = createMockBackend();
		render(AppShell, { props: { currentPath: '/', children }, context: testContext(backend).context });
		await waitFor(() => expect(backend.calls.length).toBeGreaterThan(0));
		backend.emitMenu({ kind: 'about' });
		expect(await screen.findByTestId('about-dialog')).toBeTruthy();
		backend.emitMenu({ kind: 'open', screen: 'orders' });
		await waitFor(() => expect(vi.mocked(goto)).toHaveBeenCalledWith('/orders'));
	});

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
			context: testContext(backend).context
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

	it('opens the command palette with Ctrl+K and jumps to an order by its ID', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		render(AppShell, { props: { currentPath: '/', children }, context: testContext(backend).context });
		expect(screen.queryByTestId('palette')).toBeNull();
		await user.keyboard('{Control>}k{/Control}');
		const input = await screen.findByTestId('palette-input');
		await waitFor(() => expect(document.activeElement).toBe(input));
		await user.type(input, '100007');
		const hits = await screen.findAllByTestId('palette-hit');
		expect(hits[0].textContent).toContain('Order #100007');
		expect(backend.calls.some((c) => c.method === 'search' && c.args[0] === '100007')).toBe(true);
		await user.keyboard('{Escape}');
		expect(screen.queryByTestId('palette')).toBeNull();
	});

	it('says offline, with the last sync time, when every enabled panel is unreachable', async () => {
		const data = sampleData(10, [
			samplePanel(1, 'Main', { status: 'unreachable', last_error: 'connection refused' }),
			samplePanel(2, 'Old', { enabled: false })
		]);
		const ctx = testContext(createMockBackend({ data }));
		await ctx.app.start();
		render(AppShell, { props: { currentPath: '/', children }, context: ctx.context });
		const status = screen.getByTestId('connectivity');
		expect(status.dataset.state).toBe('offline');
		expect(status.textContent).toContain('Offline');
		await waitFor(() => expect(screen.getByTestId('last-synced').textContent).toMatch(/Showing cached data · last synced \d+ d ago/));
	});
});

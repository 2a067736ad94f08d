import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createMockBackend, MOCK_NOW } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import CrashNotice from './CrashNotice.svelte';
import DiagnosticsSettings from './DiagnosticsSettings.svelte';

describe('Diagnostics', () => {
	it('shows what will be copied, copies it, and opens the logs folder', async () => {
		const b = createMockBackend();
		const writeText = vi.fn(async () => {});
		Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
		render(DiagnosticsSettings, { context: testContext(b).context });
		expect((await screen.findByTestId('diagnostics-text')).textContent).toContain('panels: ');
		await userEvent.click(screen.getByTestId('diagnostics-copy'));
		await waitFor(() => expect(screen.getByTestId('diagnostics-note').textContent).toBe('Copied to the clipboard.'));
		expect(writeText).toHaveBeenCalledWith(expect.stringContaining('Paneldesk 0.1.0-browser'));
		await userEvent.click(screen.getByTestId('logs-open'));
		expect(b.calls.some((c) => c.method === 'logsOpen')).toBe(true);
	});
});

describe('Crash notice', () => {
	it('offers the report once after a crash, and is gone once dismissed', async () => {
		const b = createMockBackend();
		b.crash = { path: '/logs/crash-1-2-0.txt', at: MOCK_NOW };
		render(CrashNotice, { context: testContext(b).context });
		expect((await screen.findByTestId('crash-notice')).textContent).toContain('holds no key and no customer text');
		await userEvent.click(screen.getByTestId('crash-dismiss'));
		await waitFor(() => expect(screen.queryByTestId('crash-notice')).toBeNull());
		expect(b.crash).toBeNull();
	});

	it('says nothing when there was no crash', async () => {
		const b = createMockBackend();
		render(CrashNotice, { context: testContext(b).context });
		await waitFor(() => expect(b.calls.some((c) => c.method === 'crashPending')).toBe(true));
		expect(screen.queryByTestId('crash-notice')).toBeNull();
	});
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppData } from './app-data.svelte';
import { createMockBackend } from './backend/mock';

describe('AppData', () => {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('reloads the screens once for a burst of sync steps, and reads the panels again', async () => {
		const backend = createMockBackend();
		const app = new AppData(backend);
		await app.start();
		const panelReads = () => backend.calls.filter((c) => c.method === 'panelsList').length;
		expect([app.changes, panelReads()]).toEqual([0, 1]);
		for (const resource of ['users', 'payments', 'orders'] as const) {
			backend.emitSync({ kind: 'state', panel: 'Main', resource, status: 'ok', error: null });
		}
		expect(app.changes).toBe(0);
		vi.advanceTimersByTime(250);
		expect(app.changes).toBe(1);
		await vi.waitFor(() => expect(panelReads()).toBe(2));
	});

	it('follows another process writing the cache (the CLI owning the sync)', async () => {
		const backend = createMockBackend();
		const app = new AppData(backend);
		await app.start();
		backend.emitCacheChanged();
		vi.advanceTimersByTime(250);
		expect(app.changes).toBe(1);
		app.stop();
		backend.emitCacheChanged();
		vi.advanceTimersByTime(250);
		expect(app.changes).toBe(1);
	});

	it('shows a running sync until its step ends', async () => {
		const backend = createMockBackend();
		const app = new AppData(backend);
		await app.start();
		backend.emitSync({ kind: 'progress', panel: 'Main', resource: 'orders', fetched: 4000, total: 40000, rows_per_s: 9000 });
		expect(app.syncing).toBe(true);
		expect(app.running['Main/orders']).toMatchObject({ fetched: 4000, total: 40000 });
		backend.emitSync({ kind: 'state', panel: 'Main', resource: 'orders', status: 'ok', error: null });
		expect(app.syncing).toBe(false);
	});
});

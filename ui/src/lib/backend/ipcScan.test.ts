import { afterEach, describe, expect, it } from 'vitest';
import { inspectAnswer } from './ipcScan';

type ScanWindow = {
	__PANELDESK_IPC_SCAN__?: string[];
	__PANELDESK_IPC_SCANNED__?: { answers: number; hits: string[] };
};
const w = globalThis as ScanWindow;

describe('the IPC secrets scan', () => {
	afterEach(() => {
		delete w.__PANELDESK_IPC_SCAN__;
		delete w.__PANELDESK_IPC_SCANNED__;
	});

	it('does nothing unless the app asked for it', () => {
		inspectAnswer('panels_list', { key: 'sk-secret' });
		expect(w.__PANELDESK_IPC_SCANNED__).toBeUndefined();
	});

	it('names each answer holding a secret, however deep, and counts them all', () => {
		w.__PANELDESK_IPC_SCAN__ = ['sk-secret'];
		inspectAnswer('panels_list', { status: 'ok', data: [{ name: 'Main', key_last4: 'cret' }] });
		inspectAnswer('ai_providers_list', { status: 'ok', data: [{ nested: ['x', 'sk-secret'] }] });
		// A journey adds a secret while it runs.
		w.__PANELDESK_IPC_SCAN__.push('rival-1');
		inspectAnswer('event syncProgress', { error: 'rival-1 refused' });
		expect(w.__PANELDESK_IPC_SCANNED__).toEqual({
			answers: 3,
			hits: ['ai_providers_list', 'event syncProgress']
		});
	});
});

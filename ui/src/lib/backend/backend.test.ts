import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import {
	BackendError,
	IPC_FAILED,
	isTauri,
	pickBackend,
	tauriBackend,
	toBackendError,
	type AppInfo
} from './index';
import { SAMPLE_APP_INFO, createMockBackend } from './mock';

const INFO: AppInfo = {
	app_version: '0.3.0',
	cache_schema_version: 4,
	local_schema_version: 2,
	data_dir: '/data',
	log_dir: '/logs'
};

afterEach(() => {
	clearMocks();
	delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
});

describe('pickBackend', () => {
	it('uses the mock in a plain browser under the dev server', async () => {
		expect(isTauri()).toBe(false);
		const backend = pickBackend();
		expect(backend).not.toBe(tauriBackend);
		expect(pickBackend()).toBe(backend);
		await expect(backend.appInfo()).resolves.toEqual(SAMPLE_APP_INFO);
	});

	it('uses the real backend inside Tauri', () => {
		mockIPC(() => null);
		expect(isTauri()).toBe(true);
		expect(pickBackend()).toBe(tauriBackend);
	});
});

describe('tauriBackend', () => {
	it('calls the app_info command and returns its answer', async () => {
		const seen: string[] = [];
		mockIPC((cmd) => {
			seen.push(cmd);
			if (cmd === 'app_info') return INFO;
			throw new Error(`unexpected command ${cmd}`);
		});
		await expect(tauriBackend.appInfo()).resolves.toEqual(INFO);
		expect(seen).toEqual(['app_info']);
	});

	it('throws a BackendError carrying the command error code, message and fix', async () => {
		mockIPC(() => {
			throw { code: 'keychain_locked', message: 'The keychain is locked.', fix: 'Unlock it.' };
		});
		const error = await tauriBackend.appInfo().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(BackendError);
		expect(error).toMatchObject({
			code: 'keychain_locked',
			message: 'The keychain is locked.',
			fix: 'Unlock it.'
		});
	});

	it('turns a plain string rejection (unknown command) into an ipc_failed BackendError', async () => {
		mockIPC(() => {
			throw 'command app_info not found';
		});
		const error = await tauriBackend.appInfo().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(BackendError);
		expect(error).toMatchObject({ code: IPC_FAILED, message: 'command app_info not found' });
		expect((error as BackendError).fix).toBeTruthy();
	});
});

describe('toBackendError', () => {
	it('keeps a BackendError, maps errors and unknown values', () => {
		const original = new BackendError({ code: 'database', message: 'b', fix: null });
		expect(toBackendError(original)).toBe(original);
		expect(toBackendError(new Error('boom'))).toMatchObject({ code: IPC_FAILED, message: 'boom' });
		expect(toBackendError({ code: 'c', message: 'd' })).toMatchObject({ code: 'c', fix: null });
		expect(toBackendError(undefined).message).toBe('The app core did not answer.');
	});
});

describe('mock backend', () => {
	it('answers sample data by default and records calls', async () => {
		const backend = createMockBackend();
		await expect(backend.appInfo()).resolves.toEqual(SAMPLE_APP_INFO);
		expect(backend.calls.map((c) => c.method)).toEqual(['appInfo']);
	});

	it('fails on demand with a BackendError', async () => {
		const backend = createMockBackend({
			failWith: { appInfo: { code: 'io', message: 'no', fix: 'do this' } }
		});
		await expect(backend.appInfo()).rejects.toMatchObject({
			name: 'BackendError',
			code: 'io',
			fix: 'do this'
		});
	});
});

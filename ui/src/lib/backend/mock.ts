import type { AppError, AppInfo } from './bindings';
import { BackendError } from './errors';
import type { Backend } from './types';

export const SAMPLE_APP_INFO: AppInfo = {
	app_version: '0.1.0-browser',
	cache_schema_version: 1,
	local_schema_version: 1,
	data_dir: '/home/operator/.local/share/com.paneldesk.app',
	log_dir: '/home/operator/.local/share/com.paneldesk.app/logs'
};

export interface MockBackendOptions {
	/** What appInfo() answers (default: SAMPLE_APP_INFO). */
	appInfo?: AppInfo;
	/** Make a method fail with this error instead of answering. */
	failWith?: Partial<Record<keyof Backend, AppError>>;
	/** Answer after this many milliseconds (default 0), to see loading states. */
	delayMs?: number;
}

export interface MockBackend extends Backend {
	/** The methods called so far, in order. */
	readonly calls: (keyof Backend)[];
}

/** An in-memory backend, for tests and for running the UI in a plain browser. */
export function createMockBackend(options: MockBackendOptions = {}): MockBackend {
	const calls: (keyof Backend)[] = [];

	async function answer<T>(method: keyof Backend, value: () => T): Promise<T> {
		calls.push(method);
		if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
		const failure = options.failWith?.[method];
		if (failure) throw new BackendError(failure);
		// A copy, so a caller cannot change the mock's state by accident.
		return structuredClone(value());
	}

	return {
		calls,
		appInfo: () => answer('appInfo', () => options.appInfo ?? SAMPLE_APP_INFO)
	};
}

export const mockBackend: MockBackend = createMockBackend();

import { commands, type AppError, type AppInfo, type Result } from './bindings';
import { toBackendError } from './errors';
import type { Backend } from './types';

/** Unwraps a generated command's Result, turning every failure into a BackendError. */
async function call<T>(run: () => Promise<Result<T, AppError>>): Promise<T> {
	let result: Result<T, AppError>;
	try {
		result = await run();
	} catch (e) {
		throw toBackendError(e);
	}
	if (result.status === 'error') throw toBackendError(result.error);
	return result.data;
}

/** The real backend: the Rust commands of the Tauri app. */
export const tauriBackend: Backend = {
	appInfo: (): Promise<AppInfo> => call(() => commands.appInfo())
};

import type { AppInfo } from './bindings';

/**
 * Everything the UI can ask of the app core. Every method resolves with the
 * answer or rejects with a BackendError (code, message, fix).
 */
export interface Backend {
	/** Versions and folders, for the About dialog. */
	appInfo(): Promise<AppInfo>;
}

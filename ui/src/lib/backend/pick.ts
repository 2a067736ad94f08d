import { createMockBackend } from './mock';
import { tauriBackend } from './tauri';
import type { Backend } from './types';

/** True inside the Tauri webview (its IPC bridge is present). */
export function isTauri(): boolean {
	return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

let preview: Backend | undefined;

/**
 * The real backend inside the app. In a plain browser under the dev server
 * only, the in-memory mock: `import.meta.env.DEV` is false in a build, so the
 * branch and the mock it imports are dropped from the production bundle.
 */
export function pickBackend(): Backend {
	if (import.meta.env.DEV && !isTauri()) return (preview ??= createMockBackend());
	return tauriBackend;
}

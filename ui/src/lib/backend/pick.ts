import { mockBackend } from './mock';
import { tauriBackend } from './tauri';
import type { Backend } from './types';

/** True inside the Tauri webview (its IPC bridge is present). */
export function isTauri(): boolean {
	return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/** The real backend inside the app, the in-memory mock in a plain browser. */
export function pickBackend(): Backend {
	return isTauri() ? tauriBackend : mockBackend;
}

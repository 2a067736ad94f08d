import { getContext, setContext } from 'svelte';
import { pickBackend } from './pick';
import type { Backend } from './types';

const BACKEND_KEY = Symbol('paneldesk.backend');

/** Called once, by the root layout: every component below uses this backend. */
export function provideBackend(backend: Backend): Backend {
	setContext(BACKEND_KEY, backend);
	return backend;
}

/**
 * The backend for the calling component. Falls back to pickBackend() when no
 * ancestor provided one (a component rendered alone).
 */
export function useBackend(): Backend {
	return getContext<Backend | undefined>(BACKEND_KEY) ?? pickBackend();
}

/** For tests: `render(Component, { context: backendContext(mock) })`. */
export function backendContext(backend: Backend): Map<symbol, Backend> {
	return new Map([[BACKEND_KEY, backend]]);
}

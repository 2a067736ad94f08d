/**
 * What every screen shares: the configured panels, the sync engine's live
 * progress (from its events, never by polling) and whether the panels are
 * reachable. One instance, made by the root layout and found by context.
 */
import { getContext, setContext } from 'svelte';
import type { Backend, Panel, Resource, SyncEvent } from './backend';
import { toBackendError, type BackendError } from './backend';

export interface SyncProgress {
	panel: string;
	resource: Resource;
	fetched: number;
	total: number | null;
	rowsPerSecond: number;
}

export class AppData {
	panels = $state<Panel[]>([]);
	/** False until the panels were read once (the welcome screen waits for it). */
	loaded = $state(false);
	error = $state<BackendError | null>(null);
	/** The syncs running now, by "panel/resource". */
	running = $state<Record<string, SyncProgress>>({});
	/** Bumped whenever a sync step ends: screens reload what they show. */
	changes = $state(0);
	/** The last sync error per panel name, from the events. */
	syncErrors = $state<Record<string, string>>({});

	readonly backend: Backend;
	#unlisten: (() => void) | null = null;

	constructor(backend: Backend) {
		this.backend = backend;
	}

	/** Reads the panels and starts following the sync events. */
	async start(): Promise<void> {
		this.#unlisten = await this.backend.onSync((e) => this.#onSync(e));
		await this.refreshPanels();
	}

	stop(): void {
		this.#unlisten?.();
		this.#unlisten = null;
	}

	async refreshPanels(): Promise<void> {
		try {
			this.panels = await this.backend.panelsList();
			this.error = null;
		} catch (e) {
			this.error = toBackendError(e);
		} finally {
			this.loaded = true;
		}
	}

	#onSync(e: SyncEvent): void {
		const key = `${e.panel}/${e.resource}`;
		if (e.kind === 'progress') {
			this.running[key] = {
				panel: e.panel,
				resource: e.resource,
				fetched: e.fetched,
				total: e.total,
				rowsPerSecond: e.rows_per_s
			};
			return;
		}
		if (e.status === 'running') {
			this.running[key] ??= { panel: e.panel, resource: e.resource, fetched: 0, total: null, rowsPerSecond: 0 };
			return;
		}
		delete this.running[key];
		if (e.status === 'error' && e.error) this.syncErrors[e.panel] = e.error;
		else delete this.syncErrors[e.panel];
		this.changes += 1;
		void this.refreshPanels();
	}

	panelName(id: number): string {
		return this.panels.find((p) => p.id === id)?.name ?? `Panel ${id}`;
	}

	/** Enabled panels that answered last time; none: the app works offline. */
	get online(): boolean {
		const enabled = this.panels.filter((p) => p.enabled);
		return enabled.length === 0 || enabled.some((p) => p.status !== 'unreachable');
	}

	get syncing(): boolean {
		return Object.keys(this.running).length > 0;
	}
}

const KEY = Symbol('paneldesk.app-data');

export function provideAppData(data: AppData): AppData {
	setContext(KEY, data);
	return data;
}

export function useAppData(): AppData {
	const data = getContext<AppData | undefined>(KEY);
	if (!data) throw new Error('useAppData() outside the app layout: render with appDataContext()');
	return data;
}

/** For tests: `render(C, { context: appDataContext(new AppData(mock)) })`. */
export function appDataContext(data: AppData): Map<symbol, unknown> {
	// A context for render(), read once: not state, so not a SvelteMap.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	return new Map<symbol, unknown>([[KEY, data]]);
}

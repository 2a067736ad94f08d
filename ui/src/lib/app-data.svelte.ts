/**
 * What every screen shares: the configured panels, the sync engine's live
 * progress (from its events, never by polling) and whether the panels are
 * reachable. One instance, made by the root layout and found by context.
 */
import { getContext, setContext } from 'svelte';
import type { Backend, Panel, Resource, SyncEvent } from './backend';
import { toBackendError, type BackendError } from './backend';
import { t } from './messages';

export interface SyncProgress {
	panel: string;
	resource: Resource;
	fetched: number;
	total: number | null;
	rowsPerSecond: number;
}

/** How far a panel's verify pass has come (its latest range). */
export interface VerifyProgress {
	resource: Resource;
	/** Rows created up to this time (unix seconds) were compared. */
	checkedTo: number;
	/** The pass ends at this time. */
	to: number;
}

/** Sync steps ending within this span make one reload of the screens. */
const CHANGES_MS = 250;

export class AppData {
	panels = $state<Panel[]>([]);
	/** False until the panels were read once (the welcome screen waits for it). */
	loaded = $state(false);
	error = $state<BackendError | null>(null);
	/** The syncs running now, by "panel/resource". */
	running = $state<Record<string, SyncProgress>>({});
	/** Verify passes under way, by panel name. */
	verifying = $state<Record<string, VerifyProgress>>({});
	/**
	 * Bumped when sync steps end (at most every CHANGES_MS while a sync
	 * runs): screens reload what they show.
	 */
	changes = $state(0);
	/** Replies in the outbox not sent yet: the sidebar's badge. */
	outboxCount = $state(0);
	/** The app lock is engaged: the lock screen covers the window. */
	locked = $state(false);
	/** The operator's idle minutes before the lock engages; 0: never, null: no lock. */
	lockIdleMinutes = $state<number | null>(null);

	readonly backend: Backend;
	#unlisten: (() => void) | null = null;
	#stopped = false;
	#reads = 0;
	#bump: ReturnType<typeof setTimeout> | undefined;

	constructor(backend: Backend) {
		this.backend = backend;
	}

	/** Reads the panels and starts following the sync events. */
	async start(): Promise<void> {
		const unlisten = [
			await this.backend.onSync((e) => this.#onSync(e)),
			// Another process's sync (the CLI's) changes the cache too.
			await this.backend.onCacheChanged(() => this.#changed()),
			await this.backend.onOutboxChanged(() => this.written())
		];
		// Stopped while the listeners were being set up: take them down at once.
		if (this.#stopped) unlisten.forEach((u) => u());
		else this.#unlisten = () => unlisten.forEach((u) => u());
		await Promise.all([this.refreshPanels(), this.refreshOutbox(), this.refreshLock()]);
	}

	/** Reads whether the lock is engaged (at start, after a switch or a settings change). */
	async refreshLock(): Promise<void> {
		try {
			const s = await this.backend.lockStatus();
			this.locked = s.locked;
			this.lockIdleMinutes = s.settings.enabled ? s.settings.idle_minutes : null;
		} catch {
			// No data dir: nothing to lock; the screens show the error.
		}
	}

	/** Engages the lock now, if the operator has one. */
	async engageLock(): Promise<void> {
		if (await this.backend.appLockNow()) this.locked = true;
	}

	/** This window wrote (a reply, a ticket action) or the outbox delivered: screens and the badge reload. */
	written(): void {
		this.#changed();
	}

	async refreshOutbox(): Promise<void> {
		try {
			this.outboxCount = await this.backend.outboxCount();
		} catch {
			// The badge keeps its last count; the Outbox screen shows the error.
		}
	}

	stop(): void {
		this.#stopped = true;
		this.#unlisten?.();
		this.#unlisten = null;
		clearTimeout(this.#bump);
	}

	async refreshPanels(): Promise<void> {
		// Only the newest read lands: an older answer never undoes a newer one.
		const mine = ++this.#reads;
		try {
			const panels = await this.backend.panelsList();
			if (mine !== this.#reads) return;
			this.panels = panels;
			this.error = null;
		} catch (e) {
			if (mine === this.#reads) this.error = toBackendError(e);
		} finally {
			this.loaded = true;
		}
	}

	#onSync(e: SyncEvent): void {
		const key = `${e.panel}/${e.resource}`;
		if (e.kind === 'verify') {
			this.verifying[e.panel] = { resource: e.resource, checkedTo: e.checked_to, to: e.to };
			this.#changed();
			return;
		}
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
		this.#changed();
	}

	/** The cache changed: one reload for a burst of changes (five resources, many panels). */
	#changed(): void {
		if (this.#bump !== undefined) return;
		this.#bump = setTimeout(() => {
			this.#bump = undefined;
			this.changes += 1;
			void this.refreshPanels();
			// Another process may have delivered replies.
			void this.refreshOutbox();
		}, CHANGES_MS);
	}

	panelName(id: number): string {
		return this.panels.find((p) => p.id === id)?.name ?? t.errors.panelFallback(id);
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

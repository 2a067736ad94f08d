import { commands, events, type AppError, type Result, type SyncEvent } from './bindings';
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

type AnyCommand = (...args: unknown[]) => Promise<Result<unknown, AppError>>;

const wrapped = Object.fromEntries(
	Object.entries(commands as unknown as Record<string, AnyCommand>).map(([name, command]) => [
		name,
		(...args: unknown[]) => call(() => command(...args))
	])
);

/** The real backend: the Rust commands of the Tauri app. */
export const tauriBackend: Backend = {
	...(wrapped as Omit<Backend, 'onSync' | 'onCacheChanged' | 'onOutboxChanged' | 'onCompetitorsChanged' | 'onUpdateProgress' | 'onMenu' | 'onAiToken'>),
	onSync: (handler: (event: SyncEvent) => void) =>
		events.syncProgress.listen((e) => handler(e.payload)),
	onCacheChanged: (handler: () => void) => events.cacheChanged.listen(() => handler()),
	onOutboxChanged: (handler: () => void) => events.outboxChanged.listen(() => handler()),
	onMenu: (handler) => events.menuCommand.listen((e) => handler(e.payload)),
	onUpdateProgress: (handler) => events.updateProgress.listen((e) => handler(e.payload)),
	onCompetitorsChanged: (handler: () => void) => events.competitorsChanged.listen(() => handler()),
	onAiToken: (handler) => events.aiToken.listen((e) => handler(e.payload))
};

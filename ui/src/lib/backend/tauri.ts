import { commands, events, type AppError, type Result, type SyncEvent } from './bindings';
import { toBackendError } from './errors';
import { inspectAnswer } from './ipcScan';
import type { Backend } from './types';

/** Unwraps a generated command's Result, turning every failure into a BackendError. */
async function call<T>(name: string, run: () => Promise<Result<T, AppError>>): Promise<T> {
	let result: Result<T, AppError>;
	try {
		result = await run();
	} catch (e) {
		throw toBackendError(e);
	}
	inspectAnswer(name, result);
	if (result.status === 'error') throw toBackendError(result.error);
	return result.data;
}

type AnyCommand = (...args: unknown[]) => Promise<Result<unknown, AppError>>;

const wrapped = Object.fromEntries(
	Object.entries(commands as unknown as Record<string, AnyCommand>).map(([name, command]) => [
		name,
		(...args: unknown[]) => call(name, () => command(...args))
	])
);

/** An event's payload, searched by the journeys' secrets scan on its way in. */
function inspected<T>(name: string, payload: T): T {
	inspectAnswer(`event ${name}`, payload);
	return payload;
}

/** The real backend: the Rust commands of the Tauri app. */
export const tauriBackend: Backend = {
	...(wrapped as Omit<Backend, 'onSync' | 'onCacheChanged' | 'onOutboxChanged' | 'onCompetitorsChanged' | 'onUpdateProgress' | 'onMenu' | 'onAiToken'>),
	onSync: (handler: (event: SyncEvent) => void) =>
		events.syncProgress.listen((e) => handler(inspected('syncProgress', e.payload))),
	onCacheChanged: (handler: () => void) =>
		events.cacheChanged.listen((e) => {
			inspected('cacheChanged', e.payload);
			handler();
		}),
	onOutboxChanged: (handler: () => void) =>
		events.outboxChanged.listen((e) => {
			inspected('outboxChanged', e.payload);
			handler();
		}),
	onMenu: (handler) => events.menuCommand.listen((e) => handler(inspected('menuCommand', e.payload))),
	onUpdateProgress: (handler) =>
		events.updateProgress.listen((e) => handler(inspected('updateProgress', e.payload))),
	onCompetitorsChanged: (handler: () => void) =>
		events.competitorsChanged.listen((e) => {
			inspected('competitorsChanged', e.payload);
			handler();
		}),
	onAiToken: (handler) => events.aiToken.listen((e) => handler(inspected('aiToken', e.payload)))
};

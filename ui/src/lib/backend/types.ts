import type { AiToken, AppError, commands, MenuAction, Result, SyncEvent, UpdateProgress } from './bindings';

type Commands = typeof commands;

/** A command's answer once unwrapped: the data, or a thrown BackendError. */
type Unwrapped<R> = R extends Promise<Result<infer T, AppError>> ? Promise<T> : never;

/**
 * Everything the UI can ask of the app core: every generated command, with
 * the same name and arguments, resolving with its data or rejecting with a
 * BackendError (code, message, fix). Derived from bindings.ts, so a command
 * added in Rust appears here with its exact types.
 */
export type Backend = {
	[K in keyof Commands]: (...args: Parameters<Commands[K]>) => Unwrapped<ReturnType<Commands[K]>>;
} & {
	/** Follows the sync engine's progress and state events; resolves to an unsubscribe. */
	onSync(handler: (event: SyncEvent) => void): Promise<() => void>;
	/** Called when another process (the CLI owning the sync) wrote the cache. */
	onCacheChanged(handler: () => void): Promise<() => void>;
	/** Called when the background delivery changed replies in the outbox. */
	onOutboxChanged(handler: () => void): Promise<() => void>;
	/** An item of the app menu was chosen (or its shortcut pressed). */
	onMenu(handler: (action: MenuAction) => void): Promise<() => void>;
	/** The bytes of the update downloaded so far. */
	onUpdateProgress(handler: (progress: UpdateProgress) => void): Promise<() => void>;
	/** Called when a rival was polled (by the watch or on demand). */
	onCompetitorsChanged(handler: () => void): Promise<() => void>;
	/** Each piece of a streaming AI answer, tagged with the call id the window gave it. */
	onAiToken(handler: (token: AiToken) => void): Promise<() => void>;
};

import { t } from '../messages';
import type { AppError, ErrorCode } from './bindings';

/**
 * An error from the backend, with the stable `code` the UI decides by (never
 * by matching the text), a human `message`, and the `fix` to offer, if any.
 */
export class BackendError extends Error {
	readonly code: ErrorCode;
	readonly fix: string | null;

	constructor(error: AppError) {
		super(error.message);
		this.name = 'BackendError';
		this.code = error.code;
		this.fix = error.fix;
	}

	toJSON(): AppError {
		return { code: this.code, message: this.message, fix: this.fix };
	}
}

/** Code used when the call itself failed (no such command, IPC broken...). */
export const IPC_FAILED: ErrorCode = 'ipc_failed';

function isAppError(value: unknown): value is AppError {
	if (typeof value !== 'object' || value === null) return false;
	const v = value as Record<string, unknown>;
	return (
		typeof v.code === 'string' &&
		typeof v.message === 'string' &&
		(v.fix === null || v.fix === undefined || typeof v.fix === 'string')
	);
}

/**
 * Turns whatever a Tauri call rejected with into a BackendError. Commands
 * return an AppError; Tauri itself rejects with a plain string (for example
 * "command app_info not found") or an Error.
 */
export function toBackendError(value: unknown): BackendError {
	if (value instanceof BackendError) return value;
	if (isAppError(value)) {
		return new BackendError({ code: value.code, message: value.message, fix: value.fix ?? null });
	}
	if (value instanceof Error) {
		return new BackendError({ code: IPC_FAILED, message: value.message, fix: t.errors.ipcFix });
	}
	const message = typeof value === 'string' && value !== '' ? value : t.errors.noAnswer;
	return new BackendError({ code: IPC_FAILED, message, fix: t.errors.ipcFix });
}

/** A failure as one line for the window: its message, then its fix. */
export function errorText(value: unknown): string {
	const err = toBackendError(value);
	return err.fix ? `${err.message} ${err.fix}` : err.message;
}

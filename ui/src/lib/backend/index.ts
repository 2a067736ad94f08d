/**
 * The one door between the UI and the app core. Every Tauri call lives in this
 * folder; components import from `$lib/backend` and never from `@tauri-apps/*`.
 *
 * bindings.ts is generated from the Rust commands by tauri-specta: do not edit it.
 * The mock backend (./mock) is for tests and the dev preview: import it from
 * `$lib/backend/mock`, never through this file, so no build carries it.
 */
export type * from './bindings';
export { backendContext, provideBackend, useBackend } from './context';
export { BackendError, errorText, IPC_FAILED, toBackendError } from './errors';
export { isTauri, pickBackend } from './pick';
export { tauriBackend } from './tauri';
export type { Backend } from './types';

/**
 * The one door between the UI and the app core. Every Tauri call lives in this
 * folder; components import from `$lib/backend` and never from `@tauri-apps/*`.
 *
 * bindings.ts is generated from the Rust commands by tauri-specta: do not edit it.
 */
export type * from './bindings';
export { backendContext, provideBackend, useBackend } from './context';
export { BackendError, IPC_FAILED, toBackendError } from './errors';
export { createMockBackend, mockBackend, sampleData, samplePanel, MOCK_NOW, SAMPLE_APP_INFO } from './mock';
export type { MockBackend, MockBackendOptions, MockData } from './mock';
export { isTauri, pickBackend } from './pick';
export { tauriBackend } from './tauri';
export type { Backend } from './types';

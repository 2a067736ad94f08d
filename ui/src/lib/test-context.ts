import { AppData, appDataContext } from './app-data.svelte';
import { backendContext } from './backend';
import { createMockBackend, type MockBackend } from './backend/mock';

/**
 * The context a screen needs in a unit test: the backend and the shared app
 * data over it. `render(Screen, { context: testContext(mock).context })`.
 */
export function testContext(backend: MockBackend = createMockBackend()): {
	backend: MockBackend;
	app: AppData;
	context: Map<symbol, unknown>;
} {
	const app = new AppData(backend);
	return {
		backend,
		app,
		context: new Map<symbol, unknown>([...backendContext(backend), ...appDataContext(app)])
	};
}

import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Single-page app for the Tauri webview: every route is rendered in the
		// browser, and the webview serves build/index.html for any unknown path.
		adapter: adapter({
			pages: 'build',
			assets: 'build',
			fallback: 'index.html',
			precompress: false,
			strict: true
		}),
		// The app ships in the binary: no "new version deployed" polling.
		version: { pollInterval: 0 }
	}
};

export default config;

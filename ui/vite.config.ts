import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// Tauri's dev command points the webview at this exact address, so the port
// must not drift: strictPort fails loudly instead of picking another one.
export default defineConfig({
	plugins: [sveltekit(), svelteTesting()],
	clearScreen: false,
	server: {
		port: 5173,
		strictPort: true,
		host: '127.0.0.1',
		watch: {
			// The Rust side lives next to ui/ and rebuilds on its own.
			ignored: ['**/src-tauri/**', '**/target/**']
		}
	},
	preview: {
		port: 4173,
		strictPort: true,
		host: '127.0.0.1'
	},
	build: {
		// WebKitGTK 2.40+ (Debian 12), WebView2 (Chromium) and WKWebView (Safari 15+).
		target: ['es2022', 'chrome105', 'safari15']
	},
	test: {
		environment: 'jsdom',
		include: ['src/**/*.test.ts']
	}
});

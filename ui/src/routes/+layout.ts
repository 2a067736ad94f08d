// A single-page app: everything renders in the webview, nothing on a server
// and nothing at build time (adapter-static writes only the fallback page).
export const ssr = false;
export const prerender = false;

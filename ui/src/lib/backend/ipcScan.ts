/**
 * The journeys' secrets scan of every IPC answer (debug builds started with
 * PANELDESK_IPC_SCAN; see src-tauri/app/ipc_scan.rs). Each command answer and
 * event payload, as the window received it, is searched for the secrets the
 * app was given (journeys may add more while they run); the names of those
 * holding one are kept for the journey to read. Otherwise nothing happens.
 */
interface ScanWindow {
	__PANELDESK_IPC_SCAN__?: string[];
	__PANELDESK_IPC_SCANNED__?: { answers: number; hits: string[] };
}

export function inspectAnswer(name: string, answer: unknown): void {
	const w = globalThis as ScanWindow;
	const secrets = w.__PANELDESK_IPC_SCAN__;
	if (!secrets) return;
	const record = (w.__PANELDESK_IPC_SCANNED__ ??= { answers: 0, hits: [] });
	record.answers += 1;
	const text = JSON.stringify(answer) ?? '';
	for (const secret of secrets) if (secret && text.includes(secret)) record.hits.push(name);
}

/**
 * One AI button's call: its answer as it streams (the `AiToken` events of
 * the call id chosen here), whether it runs, how it ended, and Stop.
 */
import { toBackendError, type Backend, type BackendError, type CallOutcome, type Task } from '$lib/backend';

export class AiCall {
	text = $state('');
	running = $state(false);
	error = $state<BackendError | null>(null);
	outcome = $state<CallOutcome | null>(null);
	#id: string | null = null;
	readonly #backend: Backend;

	constructor(backend: Backend) {
		this.#backend = backend;
	}

	/** Runs `task`; each token also goes to `onToken` (a draft into the reply box). */
	async run(panelId: number, ticketId: number, task: Task, onToken?: (token: string) => void): Promise<CallOutcome | null> {
		const id = crypto.randomUUID();
		this.#id = id;
		this.text = '';
		this.error = null;
		this.outcome = null;
		this.running = true;
		const unlisten = await this.#backend.onAiToken((t) => {
			if (t.call_id !== id) return;
			this.text += t.token;
			onToken?.(t.token);
		});
		try {
			const out = await this.#backend.aiAsk(id, panelId, ticketId, task, null);
			this.outcome = out;
			this.text = out.text;
			return out;
		} catch (e) {
			this.error = toBackendError(e);
			return null;
		} finally {
			unlisten();
			if (this.#id === id) this.#id = null;
			this.running = false;
		}
	}

	/** Forgets the last answer (another ticket opened); a running call is stopped. */
	reset(): void {
		this.stop();
		this.text = '';
		this.error = null;
		this.outcome = null;
	}

	stop(): void {
		if (this.#id) void this.#backend.aiStop(this.#id);
	}
}

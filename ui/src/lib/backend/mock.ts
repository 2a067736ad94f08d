import { RULES } from './bindings';
import type {
	ApiKey,
	LocalApiStatus,
	AppError,
	AppInfo,
	Cursor,
	Dashboard,
	Facets,
	OrderFilter,
	OrderRow,
	Page,
	PageRequest,
	Panel,
	PaymentFilter,
	PaymentRow,
	Probe,
	ResourceStatus,
	SearchHit,
	ServiceFilter,
	ServiceRow,
	SyncEvent,
	TicketFilter,
	TicketRow,
	OutboxRow,
	Template,
	Operator,
	AiToken,
	Provider,
	Preset,
	PaymentMethod,
	StaffMember,
	LockSettings,
	Report,
	ReportKind,
	ReportedService,
	UserFilter,
	UserRow,
	Note,
	Rival,
	WatchProfile,
	Change,
	NotificationSettings,
	UpdateProgress,
	UpdateStatus,
	MenuAction
} from './bindings';
import { BackendError } from './errors';
import type { Backend } from './types';

export const SAMPLE_APP_INFO: AppInfo = {
	app_version: '0.1.0-browser',
	cache_schema_version: 1,
	local_schema_version: 1,
	data_dir: '/home/operator/.local/share/com.paneldesk.app',
	log_dir: '/home/operator/.local/share/com.paneldesk.app/logs'
};

/** The mock's clock: every sample time is before it. */
export const MOCK_NOW = 1_790_000_000;

/** A small, deterministic panel world for tests and the plain-browser preview. */
export interface MockData {
	panels: Panel[];
	orders: OrderRow[];
	users: UserRow[];
	payments: PaymentRow[];
	tickets: TicketRow[];
	services: ServiceRow[];
	notes: Note[];
	outbox: OutboxRow[];
	templates: Template[];
	operators: Operator[];
	aiProviders: Provider[];
	aiPresets: Preset[];
	paymentMethods: PaymentMethod[];
}

/** A small report of each kind: one row, one of them critical. */
function mockReport(kind: ReportKind, at: number): Report {
	switch (kind) {
		case 'service_health':
			return {
				kind,
				report: {
					window_hours: 24,
					at,
					services: [
						{ panel: 'Main', service_id: 101, service_name: 'Instagram Followers', orders_in_window: 12, finished_in_window: 10, stuck: 9, slow: 3, slow_pct: 30, score: 25, status: 'critical' },
						{ panel: 'Main', service_id: 102, service_name: 'TikTok Views', orders_in_window: 40, finished_in_window: 38, stuck: 0, slow: 0, slow_pct: 0, score: 100, status: 'healthy' }
					]
				}
			};
		case 'service_health_by_provider':
			return {
				kind,
				report: {
					window_hours: 24,
					at,
					providers: [{ panel: 'Main', provider: 'smmfast.example', orders_in_window: 52, finished_in_window: 48, stuck: 9, slow: 3, slow_pct: 6.25, score: 48.75, status: 'warning' }]
				}
			};
		case 'top_spenders':
			return {
				kind,
				report: {
					window_hours: 24,
					at,
					users: [{ panel: 'Main', user_id: 7, username: 'carol', joined: at - 3600, is_new: true, payments_count: 2, payments_total: 50, spend: 42.5, lifetime: 300, currency: 'USD', top_services: [101, 102] }]
				}
			};
		case 'flagged_by_staff':
			return {
				kind,
				report: { window_hours: 24, at, skipped_messages: 0, staff: [{ staff: 'kai', replies: 4, avg_length: 33.25, avg_response_s: 35, quick_fires: 2, repeated: 1, score: 63 }] }
			};
		case 'flagged_by_service':
			return {
				kind,
				report: { window_hours: 24, at, unresolved: 1, not_fetched: 2, services: [{ panel: 'Main', service_id: 101, service_name: 'Instagram Followers', tickets: 3, orders: 4, top_complaint: 'Refill' }] }
			};
		case 'staff_stats':
			return { kind, report: { window_hours: 24, at, skipped_messages: 0, staff: [{ staff: 'kai', answered: 5, avg_response_min: 9.5 }] } };
	}
}

export function samplePanel(id: number, name: string, extra: Partial<Panel> = {}): Panel {
	return {
		id,
		name,
		url: `https://${name.toLowerCase().replace(/\W+/g, '-')}.panel.example/adminapi/v2`,
		staff_name: 'operator',
		rate_limit: 5,
		enabled: true,
		status: 'connected',
		last_error: null,
		admin_key_last4: 'a1b2',
		has_services_key: false,
		no_keychain: false,
		currency: 'USD',
		demo: false,
		...extra
	};
}

const STATUSES = ['completed', 'in_progress', 'pending', 'partial', 'canceled'];
/** Open order statuses, as core defines them. */
const OPEN: ReadonlySet<string> = new Set(RULES.open_order_statuses);
const SERVICES = ['Instagram Followers [Speed: 5-10K/Day]', 'TikTok Views', 'YouTube Likes'];

/** `orders` orders over the given panels, users and services to match. */
export function sampleData(orders = 240, panels: Panel[] = [samplePanel(1, 'Main')]): MockData {
	const data: MockData = {
		panels,
		orders: [],
		users: [],
		payments: [],
		tickets: [],
		services: [],
		notes: [],
		outbox: [],
		templates: [{ id: 1, title: 'Refill started', body: 'Hi {{customer}}, the refill of {{order_ids}} has started. {{staff}}', updated_at: MOCK_NOW }],
		operators: [{ id: 1, name: 'operator' }],
		aiProviders: [],
		aiPresets: [],
		paymentMethods: [{ id: 1, panel_id: 1, internal_name: 'Bank Transfer (manual)', display_name: 'Bank', min_micros: 1_000_000, max_micros: 1_000_000_000, sort: 0 }]
	};
	for (const p of panels) {
		SERVICES.forEach((name, i) =>
			data.services.push({
				panel_id: p.id,
				id: 101 + i,
				name,
				kind: 'Default',
				category: name.split(' ')[0],
				rate: 1_500_000 * (i + 1),
				min: 10,
				max: 10_000,
				description: null
			})
		);
		for (let u = 1; u <= 12; u++) {
			data.users.push({
				panel_id: p.id,
				id: u,
				username: `user${u}`,
				email: `user${u}@mail.example`,
				balance: u * 1_000_000,
				spent: u * 7_000_000,
				currency: 'USD',
				status: u === 12 ? 'suspended' : 'active',
				created: MOCK_NOW - u * 86_400,
				last_auth: MOCK_NOW - u * 3600,
				discount: u % 3 === 0 ? 5 : 0
			});
			data.payments.push({
				panel_id: p.id,
				id: 5000 + u,
				user: `user${u}`,
				balance: u * 1_000_000,
				amount: 10_000_000,
				currency: 'USD',
				method: u % 2 ? 'PayPal' : 'Stripe',
				status: 'completed',
				fraud_risk: null,
				memo: '',
				mode: 'auto',
				created: MOCK_NOW - u * 7200,
				updated: MOCK_NOW - u * 7200
			});
		}
		for (let t = 1; t <= 6; t++) {
			data.tickets.push({
				panel_id: p.id,
				id: 900 + t,
				user_id: t,
				username: `user${t}`,
				subject: t % 2 ? 'Orders - Refill' : 'Payment - Not received',
				status: t === 6 ? 'closed' : 'pending',
				assignee: t % 2 ? 'kai' : null,
				created: MOCK_NOW - t * 5000,
				last_update: MOCK_NOW - t * 1000,
				unread: t === 1 ? 1 : 0,
				waiting_since: t === 6 ? null : MOCK_NOW - t * 3000
			});
		}
	}
	for (let i = 0; i < orders; i++) {
		const p = panels[i % panels.length];
		const s = i % SERVICES.length;
		data.orders.push({
			panel_id: p.id,
			id: 100_000 + i,
			external_id: null,
			user: `user${(i % 12) + 1}`,
			source: i % 4 ? 'web' : 'api',
			charge: 250_000 + (i % 7) * 100_000,
			provider_charge: null,
			currency: 'USD',
			link: `https://instagram.com/p/post${i}`,
			start_count: 100 + i,
			quantity: 1000,
			remains: i % 5 === 1 ? 400 : 0,
			service_id: 101 + s,
			service_name: SERVICES[s],
			status: STATUSES[i % STATUSES.length],
			provider: i % 2 ? 'provider-a.example' : 'provider-b.example',
			mode: i % 3 ? 'auto' : 'manual',
			created: MOCK_NOW - (orders - i) * 600,
			last_update: MOCK_NOW - (orders - i) * 300,
			finished_at: null,
			ip_address: null
		});
	}
	return data;
}

type Row = { panel_id: number; id: number } & Record<string, unknown>;

/** Filters, sorts and keyset-pages rows the way the core does. */
function pageOf<T extends Row>(rows: T[], req: PageRequest): Page<T> {
	const column = req.sort?.column ?? 'id';
	const dir = req.sort?.dir === 'asc' ? 1 : -1;
	const key = (r: T): number | string => (r[column] as number | string | null) ?? -1;
	const cmp = (a: Cursor, b: Cursor) =>
		a.key < b.key ? -1 : a.key > b.key ? 1 : a.panel_id - b.panel_id || a.id - b.id;
	const cursorOf = (r: T): Cursor => ({ key: key(r), panel_id: r.panel_id, id: r.id });
	const sorted = [...rows].sort((a, b) => dir * cmp(cursorOf(a), cursorOf(b)));
	const after = req.after;
	const start = after ? sorted.filter((r) => dir * cmp(cursorOf(r), after) > 0) : sorted;
	const limit = req.limit ?? 100;
	const out = start.slice(0, limit);
	return {
		rows: out,
		next: start.length > limit ? cursorOf(out[out.length - 1]) : null,
		first: out.length > 0 ? cursorOf(out[0]) : null
	};
}

function text(value: string | null | undefined, row: Row, columns: string[]): boolean {
	const t = value?.trim().replace(/^#/, '');
	if (!t) return true;
	if (/^\d+$/.test(t)) return row.id === Number(t);
	return columns.some((c) => String(row[c] ?? '').toLowerCase().includes(t.toLowerCase()));
}

const eq = (want: unknown, got: unknown) => want === null || want === undefined || want === '' || want === got;
const inRange = (from: number | null, to: number | null, at: number | null) =>
	(from === null || (at ?? 0) >= from) && (to === null || (at ?? 0) < to);

const matchOrder = (f: OrderFilter) => (o: OrderRow) =>
	eq(f.panel_id, o.panel_id) &&
	eq(f.status, o.status) &&
	eq(f.mode, o.mode) &&
	eq(f.source, o.source) &&
	eq(f.service_id, o.service_id) &&
	eq(f.provider, o.provider) &&
	eq(f.user, o.user) &&
	inRange(f.created_from, f.created_to, o.created) &&
	text(f.text, o, ['link', 'user']);
const matchUser = (f: UserFilter) => (u: UserRow) =>
	eq(f.panel_id, u.panel_id) &&
	eq(f.status, u.status) &&
	inRange(f.created_from, f.created_to, u.created) &&
	text(f.text, u, ['username', 'email']);
const matchPayment = (f: PaymentFilter) => (p: PaymentRow) =>
	eq(f.panel_id, p.panel_id) &&
	eq(f.status, p.status) &&
	eq(f.method, p.method) &&
	eq(f.mode, p.mode) &&
	eq(f.user, p.user) &&
	inRange(f.created_from, f.created_to, p.created) &&
	text(f.text, p, ['user', 'memo']);
const matchTicket = (f: TicketFilter) => (t: TicketRow) =>
	eq(f.panel_id, t.panel_id) &&
	eq(f.status, t.status) &&
	eq(f.assignee, t.assignee) &&
	eq(f.username, t.username) &&
	(!f.waiting || t.waiting_since !== null) &&
	inRange(f.created_from, f.created_to, t.created) &&
	text(f.text, t, ['username', 'subject']);
const matchService = (f: ServiceFilter) => (s: ServiceRow) =>
	eq(f.panel_id, s.panel_id) && eq(f.kind, s.kind) && eq(f.category, s.category) && text(f.text, s, ['name', 'category']);

const distinct = (values: (string | null)[]) =>
	[...new Set(values.filter((v): v is string => !!v))].sort();

export interface MockBackendOptions {
	/** What appInfo() answers (default: SAMPLE_APP_INFO). */
	appInfo?: AppInfo;
	/** The data every query reads (default: sampleData()). */
	data?: MockData;
	/** Make a method fail with this error instead of answering. */
	failWith?: Partial<Record<keyof Backend, AppError>>;
	/** Answer after this many milliseconds (default 0), to see loading states. */
	delayMs?: number;
	/** What panelProbe answers, per admin key (default: ok for every key). */
	probe?: (key: string) => Probe | AppError;
}

export interface MockBackend extends Backend {
	/** The methods called so far, in order, with their arguments. */
	readonly calls: { method: keyof Backend; args: unknown[] }[];
	readonly data: MockData;
	/** Sends a sync event to every onSync handler. */
	emitSync(event: SyncEvent): void;
	/** Says another process wrote the cache, to every onCacheChanged handler. */
	emitCacheChanged(): void;
	/** Says the outbox changed, to every onOutboxChanged handler. */
	emitOutboxChanged(): void;
	/** Says a rival was polled, to every onCompetitorsChanged handler. */
	emitCompetitorsChanged(): void;
	/** What the update server offers the mock (default: nothing newer). */
	updateOffer: { version: string; notes: string; signed: boolean } | null;
	/** Says an app menu item was chosen, to every onMenu handler. */
	emitMenu(action: MenuAction): void;
	/** A crash report not seen yet (default: none). */
	crash: { path: string; at: number } | null;
}

/** A watched rival, a profile over it, and what its last poll found. */
function sampleCompetitors(): { rivals: Rival[]; profiles: WatchProfile[]; changes: Change[] } {
	const at = MOCK_NOW - 3600;
	const change = (id: number, kind: Change['kind'], service_id: number, name: string, rate: number | null, old: number | null, old_name: string | null = null): Change => ({
		id,
		rival_id: 1,
		rival_name: 'Rival SMM',
		taken_at: at,
		kind,
		service_id,
		name,
		old_name,
		rate_micros: rate,
		old_rate_micros: old,
		move_pct: kind === 'price' && rate !== null && old ? ((rate - old) / old) * 100 : null
	});
	return {
		rivals: [{ id: 1, name: 'Rival SMM', api_url: 'https://rival.example/api/v2', key_last4: 'x9Kq', last_polled_at: at, last_error: null, services: 12 }],
		profiles: [{ id: 1, name: 'Main rivals', rival_ids: [1], window_hours: 24, interval_minutes: 60, threshold_pct: 5 }],
		changes: [
			change(1, 'new', 113, 'Exclusive Drop 1 Followers', 1_900_000, null),
			change(2, 'price', 104, 'YouTube Views', 2_500_000, 2_000_000),
			change(3, 'renamed', 105, 'Telegram Members · v1', 900_000, 900_000, 'Telegram Members'),
			change(4, 'removed', 101, 'Instagram Followers', null, 1_800_000)
		]
	};
}

/** An in-memory backend, for tests and for running the UI in a plain browser. */
export function createMockBackend(options: MockBackendOptions = {}): MockBackend {
	const calls: { method: keyof Backend; args: unknown[] }[] = [];
	const data = options.data ?? sampleData();
	const handlers = new Set<(e: SyncEvent) => void>();
	const cacheHandlers = new Set<() => void>();
	const outboxHandlers = new Set<() => void>();
	const aiHandlers = new Set<(t: AiToken) => void>();
	const competitorHandlers = new Set<() => void>();
	let trayClose = false;
	const progressHandlers = new Set<(p: UpdateProgress) => void>();
	const menuHandlers = new Set<(a: MenuAction) => void>();
	let update: UpdateStatus = {
		current_version: '0.1.0',
		endpoint: 'https://updates.panel.example/paneldesk/{{target}}/{{arch}}/{{current_version}}',
		last_check_at: null,
		check: { kind: 'not_checked' },
		download: { kind: 'idle' }
	};
	const watch = sampleCompetitors();
	let notificationSettings: NotificationSettings = { service_critical: true, tickets: 'anyone', competitor_prices: true };
	const apiKeys: ApiKey[] = [];
	let localApi: LocalApiStatus = { settings: { enabled: false, port: 8737 }, address: null, error: null };

	async function answer<T>(method: keyof Backend, args: unknown[], value: () => T): Promise<T> {
		calls.push({ method, args });
		if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
		const failure = options.failWith?.[method];
		if (failure) throw new BackendError(failure);
		// A copy, so a caller cannot change the mock's state by accident.
		return structuredClone(value());
	}
	const notFound = (what: string, id: number): never => {
		throw new BackendError({ code: 'not_found', message: `there is no ${what} #${id} in the cache`, fix: null });
	};
	const panel = (id: number) => data.panels.find((p) => p.id === id) ?? notFound('panel', id);

	const dashboard = (): Dashboard => ({
		panels: data.panels.map((p) => ({
			panel_id: p.id,
			orders: data.orders.filter((o) => o.panel_id === p.id).length,
			open_orders: data.orders.filter((o) => o.panel_id === p.id && OPEN.has(o.status)).length,
			tickets: data.tickets.filter((t) => t.panel_id === p.id).length,
			open_tickets: data.tickets.filter((t) => t.panel_id === p.id && t.status !== 'closed').length,
			users: data.users.filter((u) => u.panel_id === p.id).length,
			payments: data.payments.filter((x) => x.panel_id === p.id).length,
			last_synced: MOCK_NOW - 120
		})),
		waiting: data.tickets
			.filter((t) => t.waiting_since !== null)
			.sort((a, b) => (a.waiting_since ?? 0) - (b.waiting_since ?? 0))
			.slice(0, 10)
	});
	const facets = (): Facets => ({
		order_statuses: distinct(data.orders.map((o) => o.status)),
		modes: distinct(data.orders.map((o) => o.mode)),
		sources: distinct(data.orders.map((o) => o.source)),
		providers: distinct(data.orders.map((o) => o.provider)),
		services: data.services.map((s) => ({ panel_id: s.panel_id, id: s.id, name: s.name })),
		user_statuses: distinct(data.users.map((u) => u.status)),
		payment_statuses: distinct(data.payments.map((p) => p.status)),
		payment_methods: distinct(data.payments.map((p) => p.method)),
		ticket_statuses: distinct(data.tickets.map((t) => t.status)),
		assignees: distinct(data.tickets.map((t) => t.assignee)),
		service_kinds: distinct(data.services.map((s) => s.kind))
	});
	const search = (q: string): SearchHit[] => {
		const t = q.trim().replace(/^#/, '');
		if (!t) return [];
		const hits: SearchHit[] = [];
		if (/^\d+$/.test(t)) {
			const id = Number(t);
			data.orders.filter((o) => o.id === id).forEach((o) =>
				hits.push({ kind: 'order', panel_id: o.panel_id, id: o.id, title: `Order #${o.id}`, detail: `${o.service_name} · ${o.status} · ${o.user}` })
			);
			data.tickets.filter((x) => x.id === id).forEach((x) =>
				hits.push({ kind: 'ticket', panel_id: x.panel_id, id: x.id, title: `Ticket #${x.id}`, detail: `${x.subject} · ${x.username}` })
			);
			data.payments.filter((x) => x.id === id).forEach((x) =>
				hits.push({ kind: 'payment', panel_id: x.panel_id, id: x.id, title: `Payment #${x.id}`, detail: `${x.method} · ${x.status} · ${x.user}` })
			);
			data.users.filter((x) => x.id === id).forEach((x) =>
				hits.push({ kind: 'user', panel_id: x.panel_id, id: x.id, title: x.username, detail: `User #${x.id}` })
			);
			return hits;
		}
		data.users
			.filter((u) => u.username.includes(t) || (u.email ?? '').includes(t))
			.slice(0, 8)
			.forEach((u) => hits.push({ kind: 'user', panel_id: u.panel_id, id: u.id, title: u.username, detail: `User #${u.id}` }));
		return hits;
	};
	const status = (): ResourceStatus[] =>
		data.panels.flatMap((p) =>
			(['services', 'users', 'payments', 'orders', 'tickets'] as const).map((r) => ({
				panel_id: p.id,
				resource: r,
				interval_s: 60,
				per_fetch: 1000,
				cached: (data[r] as Row[]).filter((x) => x.panel_id === p.id).length,
				last_fetched: MOCK_NOW - 120,
				status: 'ok',
				last_error: null
			}))
		);
	let nextPanel = Math.max(0, ...data.panels.map((p) => p.id)) + 1;
	let nextNote = 1;
	let nextReply = 1;
	let nextTemplate = 100;
	let currentOperator = 0;
	let staff: StaffMember[] = [];
	let lock: LockSettings = { enabled: false, idle_minutes: 0, failures: 0, locked_until: null };
	let locked = false;
	const reported: ReportedService[] = [];
	const ownStaffNames = new Map<number, string>();
	let aiLanguage = 'English';
	let aiAnalysis: string | null = null;
	const reply = (id: number) => data.outbox.find((r) => r.id === id) ?? notFound('reply', id);
	const workspace = (panelId: number, id: number) => {
		const ticket = data.tickets.find((x) => x.panel_id === panelId && x.id === id) ?? notFound('ticket', id);
		const user = data.users.find((u) => u.panel_id === panelId && u.username === ticket.username) ?? null;
		return {
			view: {
				ticket,
				messages: [
					{ seq: 0, is_staff: false, staff_name: null, created: ticket.created, html: `<div><b>${ticket.subject}</b></div><div>Order ID: ${10_000 + id}</div><hr>Please help` },
					...(ticket.waiting_since === null
						? [{ seq: 1, is_staff: true, staff_name: 'kai', created: ticket.last_update, html: 'On it.' }]
						: [])
				],
				customer_messages: 1,
				quoted_orders: [{ id: 10_000 + id, order: null }],
				user,
				recent_orders: data.orders.filter((o) => o.panel_id === panelId && o.user === ticket.username).slice(0, 10),
				recent_payments: data.payments.filter((p) => p.panel_id === panelId && p.user === ticket.username).slice(0, 10),
				notes: user ? data.notes.filter((n) => n.panel_id === panelId && n.user_id === user.id) : []
			},
			outbox: data.outbox.filter((r) => r.panel_id === panelId && r.ticket_id === id && r.state !== 'sent'),
			missing_actions: [],
			staff_name: panel(panelId).staff_name,
			operator: data.operators[currentOperator]
		};
	};

	const backend: MockBackend = {
		calls,
		data,
		emitSync: (event) => handlers.forEach((h) => h(event)),
		onSync: async (handler) => {
			handlers.add(handler);
			return () => handlers.delete(handler);
		},
		emitCacheChanged: () => cacheHandlers.forEach((h) => h()),
		emitOutboxChanged: () => outboxHandlers.forEach((h) => h()),
		emitCompetitorsChanged: () => competitorHandlers.forEach((h) => h()),
		updateOffer: null,
		emitMenu: (action) => menuHandlers.forEach((h) => h(action)),
		onMenu: async (handler) => {
			menuHandlers.add(handler);
			return () => menuHandlers.delete(handler);
		},
		crash: null,
		crashPending: () => answer('crashPending', [], () => backend.crash),
		crashDismiss: () =>
			answer('crashDismiss', [], () => {
				backend.crash = null;
				return null;
			}),
		logsOpen: () => answer('logsOpen', [], () => null),
		backupExport: (passphrase) =>
			answer('backupExport', [passphrase], () => ({ path: '/home/operator/Downloads/paneldesk-local-backup-2026-12-07-100000.age', bytes: 40960 })),
		backupRestore: (file, passphrase) => answer('backupRestore', [file, passphrase], () => null),
		appRestart: () => answer('appRestart', [], () => null),
		closeToTray: () => answer('closeToTray', [], () => trayClose),
		closeToTraySet: (on) => answer('closeToTraySet', [on], () => (trayClose = on)),
		diagnosticsText: () =>
			answer('diagnosticsText', [], () => `Paneldesk 0.1.0-browser (core 0.1.0)\nos: Debian GNU/Linux 12 (bookworm) (x86_64)\npanels: ${data.panels.length}\n`),
		onUpdateProgress: async (handler) => {
			progressHandlers.add(handler);
			return () => progressHandlers.delete(handler);
		},
		updateStatus: () => answer('updateStatus', [], () => update),
		updateCheck: () =>
			answer('updateCheck', [], () => {
				const offer = backend.updateOffer;
				update = {
					...update,
					last_check_at: MOCK_NOW,
					check: offer ? { kind: 'available', version: offer.version, notes: offer.notes, date: '2026-12-01T10:00:00Z' } : { kind: 'up_to_date' },
					download: { kind: 'idle' }
				};
				return update;
			}),
		updateDownload: () =>
			answer('updateDownload', [], () => {
				const offer = backend.updateOffer;
				if (!offer) return update;
				progressHandlers.forEach((h) => h({ downloaded: 1024, total: 2048 }));
				progressHandlers.forEach((h) => h({ downloaded: 2048, total: 2048 }));
				update = {
					...update,
					download: offer.signed
						? { kind: 'verified', version: offer.version, bytes: 2048 }
						: { kind: 'refused', reason: 'The download does not carry a valid signature from Paneldesk’s publisher, so it was not installed.' }
				};
				return update;
			}),
		updateInstall: () => answer('updateInstall', [], () => null),
		updateEndpointSet: (endpoint) => answer('updateEndpointSet', [endpoint], () => (update = { ...update, endpoint })),
		onCompetitorsChanged: async (handler) => {
			competitorHandlers.add(handler);
			return () => competitorHandlers.delete(handler);
		},
		onAiToken: async (handler) => {
			aiHandlers.add(handler);
			return () => aiHandlers.delete(handler);
		},
		onOutboxChanged: async (handler) => {
			outboxHandlers.add(handler);
			return () => outboxHandlers.delete(handler);
		},
		onCacheChanged: async (handler) => {
			cacheHandlers.add(handler);
			return () => cacheHandlers.delete(handler);
		},
		appInfo: () => answer('appInfo', [], () => options.appInfo ?? SAMPLE_APP_INFO),
		dashboard: () => answer('dashboard', [], dashboard),
		criticalServices: () => answer('criticalServices', [], () => []),
		facets: () => answer('facets', [], facets),
		search: (q) => answer('search', [q], () => search(q)),
		ordersList: (f, p) => answer('ordersList', [f, p], () => pageOf(data.orders.filter(matchOrder(f)), p)),
		ordersCount: (f) => answer('ordersCount', [f], () => data.orders.filter(matchOrder(f)).length),
		usersList: (f, p) => answer('usersList', [f, p], () => pageOf(data.users.filter(matchUser(f)), p)),
		usersCount: (f) => answer('usersCount', [f], () => data.users.filter(matchUser(f)).length),
		paymentsList: (f, p) => answer('paymentsList', [f, p], () => pageOf(data.payments.filter(matchPayment(f)), p)),
		paymentsCount: (f) => answer('paymentsCount', [f], () => data.payments.filter(matchPayment(f)).length),
		ticketsList: (f, p) => answer('ticketsList', [f, p], () => pageOf(data.tickets.filter(matchTicket(f)), p)),
		ticketsCount: (f) => answer('ticketsCount', [f], () => data.tickets.filter(matchTicket(f)).length),
		servicesList: (f, p) => answer('servicesList', [f, p], () => pageOf(data.services.filter(matchService(f)), p)),
		servicesCount: (f) => answer('servicesCount', [f], () => data.services.filter(matchService(f)).length),
		exportCsv: (r) =>
			answer('exportCsv', [r], () => ({ path: `/home/operator/Downloads/paneldesk-${r.table}.csv`, rows: 1 })),
		orderDetail: (panelId, id) =>
			answer('orderDetail', [panelId, id], () => {
				const order = data.orders.find((o) => o.panel_id === panelId && o.id === id) ?? notFound('order', id);
				return {
					order,
					user: data.users.find((u) => u.panel_id === panelId && u.username === order.user) ?? null,
					mentions: []
				};
			}),
		userDetail: (panelId, id) =>
			answer('userDetail', [panelId, id], () => {
				const user = data.users.find((u) => u.panel_id === panelId && u.id === id) ?? notFound('user', id);
				const orders = data.orders.filter((o) => o.panel_id === panelId && o.user === user.username);
				const payments = data.payments.filter((p) => p.panel_id === panelId && p.user === user.username);
				return {
					user,
					orders: orders.slice(-50).reverse(),
					order_count: orders.length,
					payments,
					payment_count: payments.length,
					tickets: data.tickets.filter((t) => t.panel_id === panelId && t.username === user.username),
					notes: data.notes.filter((n) => n.panel_id === panelId && n.user_id === id).reverse()
				};
			}),
		paymentDetail: (panelId, id) =>
			answer('paymentDetail', [panelId, id], () => {
				const payment = data.payments.find((p) => p.panel_id === panelId && p.id === id) ?? notFound('payment', id);
				return { payment, user: data.users.find((u) => u.panel_id === panelId && u.username === payment.user) ?? null };
			}),
		noteAdd: (panelId, userId, body) =>
			answer('noteAdd', [panelId, userId, body], () => {
				if (!body.trim()) throw new BackendError({ code: 'invalid_request', message: 'a note cannot be empty', fix: null });
				const note = { id: nextNote++, panel_id: panelId, user_id: userId, body: body.trim(), created_at: MOCK_NOW };
				data.notes.push(note);
				return note;
			}),
		noteDelete: (id) =>
			answer('noteDelete', [id], () => {
				data.notes = data.notes.filter((n) => n.id !== id);
				return null;
			}),
		panelsList: () => answer('panelsList', [], () => data.panels),
		panelAdd: (input) =>
			answer('panelAdd', [input], () => {
				if (data.panels.some((p) => p.name === input.name.trim()))
					throw new BackendError({ code: 'config', message: `a panel named "${input.name}" already exists`, fix: null });
				const p = samplePanel(nextPanel++, input.name.trim(), {
					url: input.url,
					staff_name: input.staff_name,
					rate_limit: input.rate_limit ?? 5,
					admin_key_last4: input.admin_key.slice(-4)
				});
				data.panels.push(p);
				return p;
			}),
		panelUpdate: (id, edit) =>
			answer('panelUpdate', [id, edit], () => {
				const p = panel(id);
				if (edit.name !== null) p.name = edit.name;
				if (edit.url !== null) p.url = edit.url;
				if (edit.staff_name !== null) p.staff_name = edit.staff_name || null;
				if (edit.rate_limit !== null) p.rate_limit = edit.rate_limit;
				if (edit.enabled !== null) p.enabled = edit.enabled;
				if (edit.admin_key) {
					p.admin_key_last4 = edit.admin_key.slice(-4);
					p.status = 'connected';
					p.last_error = null;
				}
				return p;
			}),
		panelRemove: (id) =>
			answer('panelRemove', [id], () => {
				data.panels = data.panels.filter((p) => p.id !== id);
				return null;
			}),
		panelTest: (id) =>
			answer('panelTest', [id], () => {
				const p = panel(id);
				if (p.status === 'auth_error')
					throw new BackendError({ code: 'wrong_key', message: 'the panel refused the admin API key', fix: 'Paste the key again.' });
				return { orders: data.orders.length, users: data.users.length, services: null };
			}),
		panelProbe: (input) =>
			answer('panelProbe', [input], () => {
				const outcome = options.probe?.(input.admin_key) ?? { orders: 1200, users: 80, services: null };
				if ('code' in outcome) throw new BackendError(outcome);
				return outcome;
			}),
		demoStart: () =>
			answer('demoStart', [], () => {
				const p = samplePanel(nextPanel++, 'Demo panel', { demo: true, url: 'http://127.0.0.1:40000/adminapi/v2' });
				data.panels.push(p);
				return p;
			}),
		syncOverview: () =>
			answer('syncOverview', [], () => ({ resources: status(), retention_days: 365, running: true, note: null })),
		lastSynced: () =>
			answer('lastSynced', [], () => (data.panels.length ? MOCK_NOW - 120 : null)),
		syncSettingsSet: (panelId, resource, settings) =>
			answer('syncSettingsSet', [panelId, resource, settings], () => null),
		retentionSet: (days) => answer('retentionSet', [days], () => ({ orders: 0, payments: 0, tickets: 0 })),
		syncNow: () => answer('syncNow', [], () => null),
		verifyNow: () => answer('verifyNow', [], () => null),
		ticketOpen: (panelId, id) => answer('ticketOpen', [panelId, id], () => workspace(panelId, id)),
		ticketCounts: (panelId) =>
			answer('ticketCounts', [panelId], () => {
				const rows = data.tickets.filter((x) => panelId === null || x.panel_id === panelId);
				const by = new Map<string, number>();
				rows.forEach((x) => by.set(x.status, (by.get(x.status) ?? 0) + 1));
				return {
					by_status: [...by.entries()].sort(([a], [b]) => a.localeCompare(b)),
					waiting: rows.filter((x) => x.waiting_since !== null).length
				};
			}),
		replySend: (reply) =>
			answer('replySend', [reply], () => {
				if (!reply.text.trim()) throw new BackendError({ code: 'invalid_request', message: 'the reply is empty', fix: null });
				const row: OutboxRow = {
					id: nextReply++,
					operator_id: 1,
					panel_id: reply.panel_id,
					panel_name: panel(reply.panel_id).name,
					ticket_id: reply.ticket_id,
					staff_name: panel(reply.panel_id).staff_name ?? 'operator',
					body: reply.text,
					text: reply.text,
					seen_messages: reply.seen_messages,
					state: 'sent',
					posts: 1,
					attempted_at: MOCK_NOW,
					retry_at: null,
					error: null,
					created_at: MOCK_NOW,
					sent_at: MOCK_NOW
				};
				data.outbox.push(row);
				return { reply: row, sent_by: null };
			}),
		outboxSend: (id, seen) =>
			answer('outboxSend', [id, seen], () => {
				const row = reply(id);
				row.state = 'sent';
				return { reply: row, sent_by: null };
			}),
		outboxEdit: (id, text, seen) =>
			answer('outboxEdit', [id, text, seen], () => {
				const row = reply(id);
				row.text = row.body = text;
				row.state = 'queued';
				return row;
			}),
		outboxDiscard: (id) =>
			answer('outboxDiscard', [id], () => {
				data.outbox = data.outbox.filter((r) => r.id !== id);
				return null;
			}),
		outboxList: () => answer('outboxList', [], () => [...data.outbox].reverse()),
		outboxCount: () => answer('outboxCount', [], () => data.outbox.filter((r) => r.state !== 'sent').length),
		ticketAct: (panelId, id, action) =>
			answer('ticketAct', [panelId, id, action], () => {
				const ticket = data.tickets.find((x) => x.panel_id === panelId && x.id === id) ?? notFound('ticket', id);
				if (action === 'close') ticket.status = 'closed';
				if (action === 'reopen') ticket.status = 'pending';
				if (action === 'assign') ticket.assignee = panel(panelId).staff_name;
				return null;
			}),
		templatesList: () => answer('templatesList', [], () => data.templates),
		templateSave: (id, edit) =>
			answer('templateSave', [id, edit], () => {
				if (!edit.title.trim() || !edit.body.trim())
					throw new BackendError({ code: 'invalid_request', message: 'a template needs a title and a body', fix: null });
				const existing = data.templates.find((x) => x.id === id);
				if (existing) return Object.assign(existing, edit, { updated_at: MOCK_NOW });
				const made = { id: nextTemplate++, ...edit, updated_at: MOCK_NOW };
				data.templates.push(made);
				return made;
			}),
		templateDelete: (id) =>
			answer('templateDelete', [id], () => {
				data.templates = data.templates.filter((x) => x.id !== id);
				return null;
			}),
		templateFill: (id, panelId, ticketId) =>
			answer('templateFill', [id, panelId, ticketId], () => {
				const tpl = data.templates.find((x) => x.id === id) ?? notFound('template', id);
				const ticket = data.tickets.find((x) => x.panel_id === panelId && x.id === ticketId) ?? notFound('ticket', ticketId);
				const values: Record<string, string | null> = {
					customer: ticket.username,
					staff: panel(panelId).staff_name,
					panel: panel(panelId).name,
					ticket_id: String(ticketId),
					order_ids: null
				};
				const missing: string[] = [];
				const text = tpl.body.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (all, name: string) => {
					const v = values[name];
					if (v) return v;
					if (!missing.includes(name)) missing.push(name);
					return all;
				});
				return { text, missing };
			}),
		operatorsList: () => answer('operatorsList', [], () => ({ all: data.operators, current: data.operators[currentOperator] })),
		operatorSwitch: (id) =>
			answer('operatorSwitch', [id], () => {
				currentOperator = Math.max(0, data.operators.findIndex((o) => o.id === id));
				return data.operators[currentOperator];
			}),
		operatorAdd: (name) =>
			answer('operatorAdd', [name], () => {
				const op = { id: data.operators.length + 1, name: name.trim() };
				data.operators.push(op);
				currentOperator = data.operators.length - 1;
				return op;
			}),
		linkOpen: (url) => answer('linkOpen', [url], () => null),
		aiProvidersList: () => answer('aiProvidersList', [], () => data.aiProviders),
		aiProviderSave: (id, input) =>
			answer('aiProviderSave', [id, input], () => {
				const key = input.key?.trim();
				const existing = data.aiProviders.find((p) => p.id === id);
				const saved: Provider = {
					id: existing?.id ?? data.aiProviders.length + 1,
					kind: input.kind ?? existing?.kind ?? 'open_ai_compatible',
					name: input.name.trim(),
					base_url: input.base_url?.trim() || existing?.base_url || 'https://api.openai.com/v1',
					model: input.model?.trim() || existing?.model || null,
					key_last4: key === '-' ? null : key ? key.slice(-4) : (existing?.key_last4 ?? null),
					context_tokens: input.context_tokens ?? existing?.context_tokens ?? 8192
				};
				data.aiProviders = [...data.aiProviders.filter((p) => p.id !== saved.id), saved];
				return saved;
			}),
		aiProviderRemove: (id) =>
			answer('aiProviderRemove', [id], () => {
				data.aiProviders = data.aiProviders.filter((p) => p.id !== id);
				return null;
			}),
		aiProviderModels: (id) => answer('aiProviderModels', [id], () => ['fake-large', 'fake-small']),
		aiSettings: () =>
			answer('aiSettings', [], () => ({ language: aiLanguage, analysis_prompt: aiAnalysis, default_analysis: 'Built-in: {{conversation}}' })),
		aiSettingsSet: (language, prompt) =>
			answer('aiSettingsSet', [language, prompt], () => {
				aiLanguage = language;
				aiAnalysis = prompt.trim() || null;
				return null;
			}),
		aiPresetsList: () => answer('aiPresetsList', [], () => data.aiPresets),
		aiPresetSave: (id, edit) =>
			answer('aiPresetSave', [id, edit], () => {
				const saved: Preset = { id: id ?? data.aiPresets.length + 1, ...edit };
				data.aiPresets = [...data.aiPresets.filter((p) => p.id !== saved.id), saved];
				return saved;
			}),
		aiPresetDelete: (id) =>
			answer('aiPresetDelete', [id], () => {
				data.aiPresets = data.aiPresets.filter((p) => p.id !== id);
				return null;
			}),
		aiUsage: (days) => answer('aiUsage', [days], () => []),
		aiPreview: (panelId, ticketId, task, providerId) =>
			answer('aiPreview', [panelId, ticketId, task, providerId], () => ({
				provider: 'Mock AI',
				model: 'fake-small',
				prompt: { system: `system for ${task.kind}`, user: `user for ticket ${ticketId}`, dropped_messages: 0 }
			})),
		aiAsk: (callId, panelId, ticketId, task, providerId) =>
			answer('aiAsk', [callId, panelId, ticketId, task, providerId], () => {
				const text = task.kind === 'intent' ? 'refill' : `Answer to ${task.kind}.`;
				for (const token of text.split(/(?<= )/)) aiHandlers.forEach((h) => h({ call_id: callId, token }));
				return { text, usage: { input: 10, output: 3 }, stopped: false, dropped_messages: 0, unknown_order_ids: [] };
			}),
		aiStop: (callId) => answer('aiStop', [callId], () => null),
		paymentMethodsList: (panelId) =>
			answer('paymentMethodsList', [panelId], () => data.paymentMethods.filter((m) => panelId === null || m.panel_id === panelId)),
		paymentMethodSave: (id, edit) =>
			answer('paymentMethodSave', [id, edit], () => {
				const saved: PaymentMethod = {
					id: id ?? data.paymentMethods.length + 1,
					panel_id: edit.panel_id,
					internal_name: edit.internal_name,
					display_name: edit.display_name,
					min_micros: Math.round(Number(edit.min) * 1_000_000),
					max_micros: Math.round(Number(edit.max) * 1_000_000),
					sort: edit.sort
				};
				data.paymentMethods = [...data.paymentMethods.filter((m) => m.id !== saved.id), saved];
				return saved;
			}),
		paymentMethodDelete: (id) =>
			answer('paymentMethodDelete', [id], () => {
				data.paymentMethods = data.paymentMethods.filter((m) => m.id !== id);
				return null;
			}),
		paymentPrepare: (input) =>
			answer('paymentPrepare', [input], () => {
				const method = data.paymentMethods.find((m) => m.id === input.method_id);
				if (!method) throw new BackendError({ code: 'invalid_request', message: 'there is no such payment method on this panel', fix: null });
				const amount = Number(input.amount);
				if (!/^\d+(\.\d{1,2})?$/.test(input.amount.trim()) || !(amount > 0))
					throw new BackendError({ code: 'invalid_request', message: `"${input.amount}" is not an amount`, fix: 'Correct the amount; nothing was sent.' });
				return {
					token: `token-${input.amount}`,
					panel_id: input.panel_id,
					panel_name: panel(input.panel_id).name,
					username: input.username,
					method: method.internal_name,
					method_display: method.display_name,
					amount_micros: Math.round(amount * 1_000_000),
					amount_text: amount.toFixed(2),
					currency: 'USD',
					memo: input.memo,
					affiliate_commission: input.affiliate_commission
				};
			}),
		ordersAct: (panelId, ids, action) =>
			answer('ordersAct', [panelId, ids, action], () =>
				ids.map((id) => {
					const order = data.orders.find((o) => o.panel_id === panelId && o.id === id);
					const done = !!order && !['completed', 'canceled', 'partial'].includes(order.status);
					if (done && action.kind === 'cancel' && order) order.status = 'canceled';
					return { id, done, reason: done ? null : `the panel skipped it (it is ${order?.status ?? 'unknown'})`, status: order?.status ?? null };
				})
			),
		activityList: (f) => answer('activityList', [f], () => []),
		profile: () =>
			answer('profile', [], () => ({
				operator: data.operators[currentOperator],
				staff_names: data.panels.map((p) => ({ panel_id: p.id, own: ownStaffNames.get(p.id) ?? null, panel_default: p.staff_name })),
				lock
			})),
		operatorRename: (name) =>
			answer('operatorRename', [name], () => {
				data.operators[currentOperator] = { ...data.operators[currentOperator], name: name.trim() };
				return data.operators[currentOperator];
			}),
		staffNameSet: (panelId, name) =>
			answer('staffNameSet', [panelId, name], () => {
				if (name.trim()) ownStaffNames.set(panelId, name.trim());
				else ownStaffNames.delete(panelId);
				return null;
			}),
		lockStatus: () => answer('lockStatus', [], () => ({ locked, operator: data.operators[currentOperator], settings: lock })),
		appUnlock: (passcode) =>
			answer('appUnlock', [passcode], () => {
				if (passcode !== '1234') throw new BackendError({ code: 'wrong_passcode', message: 'that passcode is not right', fix: null });
				locked = false;
				return null;
			}),
		appLockNow: () => answer('appLockNow', [], () => (locked = lock.enabled)),
		appLockSet: (current, passcode, idle) =>
			answer('appLockSet', [current, passcode, idle], () => (lock = { enabled: true, idle_minutes: idle, failures: 0, locked_until: null })),
		appLockIdleSet: (idle) => answer('appLockIdleSet', [idle], () => (lock = { ...lock, idle_minutes: idle })),
		appLockRemove: (current) =>
			answer('appLockRemove', [current], () => {
				lock = { enabled: false, idle_minutes: 0, failures: 0, locked_until: null };
				return null;
			}),
		staffDirectory: () => answer('staffDirectory', [], () => staff),
		staffSave: (previous, edit) =>
			answer('staffSave', [previous, edit], () => {
				const member: StaffMember = { ...edit, name: edit.name.trim() };
				staff = [...staff.filter((m) => m.name !== previous && m.name !== member.name), member].sort((a, b) => a.name.localeCompare(b.name));
				return member;
			}),
		staffRemove: (name) =>
			answer('staffRemove', [name], () => {
				const had = staff.some((m) => m.name === name);
				staff = staff.filter((m) => m.name !== name);
				return had;
			}),
		reportRun: (kind, req) =>
			answer('reportRun', [kind, req], () => mockReport(kind, req.at ?? MOCK_NOW)),
		reportExport: (kind, req) =>
			answer('reportExport', [kind, req], () => ({ path: `/home/operator/Downloads/paneldesk-${kind}.csv`, rows: 1 })),
		reportFlaggedTickets: (req, staff) =>
			answer('reportFlaggedTickets', [req, staff], () => [{ panel_id: 1, panel: data.panels[0].name, ticket_id: 9001 }]),
		reportServiceSamples: (req, panelId, serviceId) =>
			answer('reportServiceSamples', [req, panelId, serviceId], () => [{ ticket_id: 9001, order_ids: [550001, 550002] }]),
		reportFetchMissing: (req) => answer('reportFetchMissing', [req], () => 0),
		reportProfiles: () => answer('reportProfiles', [], () => ({ service_health: [], top_spenders: [] })),
		servicesSnooze: (panelId, ids) => answer('servicesSnooze', [panelId, ids], () => MOCK_NOW + 86_400),
		serviceHealthProfileSave: (previous, profile) => answer('serviceHealthProfileSave', [previous, profile], () => null),
		serviceHealthProfileDelete: (name) => answer('serviceHealthProfileDelete', [name], () => true),
		topSpenderProfileSave: (previous, profile) => answer('topSpenderProfileSave', [previous, profile], () => null),
		topSpenderProfileDelete: (name) => answer('topSpenderProfileDelete', [name], () => true),
		serviceTrend: (panelId, serviceId) =>
			answer('serviceTrend', [panelId, serviceId], () =>
				Array.from({ length: 30 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, score: i % 7 === 3 ? null : 60 + (i % 5) * 8 }))
			),
		staffDays: (req) =>
			answer('staffDays', [req], () => [
				{ staff: 'kai', day: '2026-11-30', replies: 3 },
				{ staff: 'kai', day: '2026-12-02', replies: 1 }
			]),
		spendDays: (req, users) =>
			answer('spendDays', [req, users], () =>
				users.flatMap((u, i) => [
					{ panel_id: u.panel_id, username: u.username, day: '2026-11-30', spend: 10 + i },
					{ panel_id: u.panel_id, username: u.username, day: '2026-12-02', spend: 4.5 }
				])
			),
		reportedServicesList: (panelId) => answer('reportedServicesList', [panelId], () => reported.filter((r) => panelId === null || r.panel_id === panelId)),
		serviceReport: (report) =>
			answer('serviceReport', [report], () => {
				const id = reported.length + 1;
				reported.unshift({
					id,
					...report,
					service_name: data.services.find((s) => s.panel_id === report.panel_id && s.id === report.service_id)?.name ?? '?',
					reported_by: data.operators[currentOperator].name,
					reported_at: MOCK_NOW,
					resolved_by: null,
					resolved_at: null,
					open_orders: 0
				});
				return id;
			}),
		serviceReportResolve: (id) =>
			answer('serviceReportResolve', [id], () => {
				const r = reported.find((x) => x.id === id && x.resolved_at === null);
				if (r) Object.assign(r, { resolved_by: data.operators[currentOperator].name, resolved_at: MOCK_NOW });
				return !!r;
			}),
		servicesImportPreview: (panelId, file) =>
			answer('servicesImportPreview', [panelId, file], () => ({
				panel_id: panelId,
				new: 1,
				updated: 0,
				unchanged: 0,
				unknown: 0,
				sample: [{ line: 2, service_id: 101, service_name: 'Instagram Followers', description: 'Real followers', change: 'new' as const }],
				bad: []
			})),
		servicesImportApply: (panelId, file, unknown) =>
			answer('servicesImportApply', [panelId, file, unknown], () => ({ written: 1, unchanged: 0, skipped_unknown: 0, bad: 0 })),
		activityExport: (f) => answer('activityExport', [f], () => ({ path: '/home/operator/Downloads/paneldesk-activity-log.csv', rows: 0 })),
		paymentSend: (c) =>
			answer('paymentSend', [c], () => ({ outcome: 'sent', payment_id: 7001, message: null, latest: [], repeated: false })),
		rivalsList: () => answer('rivalsList', [], () => watch.rivals),
		rivalSave: (id, edit) =>
			answer('rivalSave', [id, edit], () => {
				const found = watch.rivals.find((r) => r.id === id);
				const rival: Rival = found ?? { id: watch.rivals.length + 1, name: '', api_url: '', key_last4: null, last_polled_at: null, last_error: null, services: 0 };
				Object.assign(rival, { name: edit.name, api_url: edit.url, key_last4: edit.key ? edit.key.slice(-4) : rival.key_last4 });
				if (!found) watch.rivals.push(rival);
				return rival;
			}),
		rivalRemove: (id) =>
			answer('rivalRemove', [id], () => {
				watch.rivals = watch.rivals.filter((r) => r.id !== id);
				return null;
			}),
		watchProfiles: () => answer('watchProfiles', [], () => watch.profiles),
		watchProfileSave: (id, edit) =>
			answer('watchProfileSave', [id, edit], () => {
				const found = watch.profiles.find((p) => p.id === id);
				const profile: WatchProfile = { id: found?.id ?? watch.profiles.length + 1, ...edit };
				if (found) Object.assign(found, profile);
				else watch.profiles.push(profile);
				return profile;
			}),
		watchProfileRemove: (id) =>
			answer('watchProfileRemove', [id], () => {
				watch.profiles = watch.profiles.filter((p) => p.id !== id);
				return null;
			}),
		rivalPoll: (id) =>
			answer('rivalPoll', [id], () => ({ rival_id: id, snapshot_id: 2, taken_at: MOCK_NOW, services: 12, first: false, changes: watch.changes })),
		competitorChanges: (q) =>
			answer('competitorChanges', [q], () => {
				const profile = watch.profiles.find((p) => p.id === q.profile_id);
				return watch.changes.filter(
					(c) =>
						(q.rival_id === null || c.rival_id === q.rival_id) &&
						(c.kind !== 'price' || !profile || Math.abs(c.move_pct ?? 100) >= profile.threshold_pct)
				);
			}),
		competitorChangesExport: (q) =>
			answer('competitorChangesExport', [q], () => ({ path: '/home/operator/Downloads/paneldesk-competitor-changes.csv', rows: watch.changes.length })),
		rivalSnapshots: (rivalId) =>
			answer('rivalSnapshots', [rivalId], () => [
				{ id: 2, taken_at: MOCK_NOW - 3600, services: 12, changes: 4 },
				{ id: 1, taken_at: MOCK_NOW - 7200, services: 12, changes: 0 }
			]),
		rivalPriceHistory: (rivalId, serviceId) =>
			answer('rivalPriceHistory', [rivalId, serviceId], () => [
				{ since: MOCK_NOW - 7200, rate_micros: 2_000_000 },
				{ since: MOCK_NOW - 3600, rate_micros: 2_500_000 }
			]),
		notificationSettings: () => answer('notificationSettings', [], () => notificationSettings),
		notificationSettingsSet: (s) => answer('notificationSettingsSet', [s], () => (notificationSettings = s)),
		apiKeysList: () => answer('apiKeysList', [], () => [...apiKeys].reverse()),
		apiKeyCreate: (edit) =>
			answer('apiKeyCreate', [edit], () => {
				const key: ApiKey = {
					id: apiKeys.length + 1,
					name: edit.name,
					prefix: 'pdk_0a1b2c3d',
					scopes: edit.scopes,
					panels: edit.panels,
					created_at: MOCK_NOW,
					last_used_at: null,
					revoked_at: null
				};
				apiKeys.push(key);
				return { key, secret: 'pdk_0a1b2c3d' + 'e'.repeat(56) };
			}),
		apiKeyRevoke: (id) =>
			answer('apiKeyRevoke', [id], () => {
				const key = apiKeys.find((k) => k.id === id)!;
				key.revoked_at = MOCK_NOW;
				return key;
			}),
		localApiStatus: () => answer('localApiStatus', [], () => localApi),
		localApiSet: (settings) =>
			answer('localApiSet', [settings], () => {
				localApi = { settings, address: settings.enabled ? `http://127.0.0.1:${settings.port}` : null, error: null };
				return localApi;
			}),
		aiUnknownOrders: (panelId, text) =>
			answer('aiUnknownOrders', [panelId, text], () =>
				(text.match(/\b\d{6,10}\b/g) ?? []).map(Number).filter((id) => !data.orders.some((o) => o.panel_id === panelId && o.id === id))
			)
	};
	return backend;
}


/**
 * Every string the UI shows, in English: the catalog the components read
 * through `t` (./index.ts). Grouped by screen or component; words several
 * screens share (record fields, "Loading…", "How to fix:") live in `common`,
 * `fields` and `nouns`.
 *
 * A message with values is a small function. Numbers the UI formats for the
 * locale (counts, money, dates) come in already formatted, as strings: this
 * file imports nothing, so every module can use it.
 *
 * A translation is a copy of this object with the same shape (see index.ts).
 * Keep it plain data: no `as const`, so the type of a leaf is `string`, not
 * the English text.
 */

/** A counted noun's singular and plural: `counted(3, t.nouns.order)` is "3 orders". */
export interface Noun {
	one: string;
	other: string;
}

export const en = {
	app: {
		name: 'Paneldesk',
		/** The window title of a screen. */
		pageTitle: (title: string) => `${title} · Paneldesk`
	},

	/** Words and states many screens show. */
	common: {
		loading: 'Loading…',
		howToFix: 'How to fix:',
		cancel: 'Cancel',
		save: 'Save',
		saving: 'Saving…',
		saved: 'Saved',
		testing: 'Testing…',
		tryAgain: 'Try again',
		close: 'Close',
		demo: 'Demo',
		notCached: '(not cached)'
	},

	/** Nouns counted on screen ("12 orders", "Saved 1 row"). */
	nouns: {
		order: { one: 'order', other: 'orders' },
		payment: { one: 'payment', other: 'payments' },
		service: { one: 'service', other: 'services' },
		ticket: { one: 'ticket', other: 'tickets' },
		user: { one: 'user', other: 'users' },
		row: { one: 'row', other: 'rows' }
	} satisfies Record<string, Noun>,

	/** A record's fields: table columns, filter labels and detail panes. */
	fields: {
		amount: 'Amount',
		assignee: 'Assignee',
		balance: 'Balance',
		balanceAfter: 'Balance after',
		category: 'Category',
		charge: 'Charge',
		created: 'Created',
		customer: 'Customer',
		discount: 'Discount',
		email: 'Email',
		externalId: 'External ID',
		finished: 'Finished',
		fraudRisk: 'Fraud risk',
		id: 'ID',
		ipAddress: 'IP address',
		lastAuth: 'Last auth',
		lastUpdate: 'Last update',
		link: 'Link',
		max: 'Max',
		memo: 'Memo',
		method: 'Method',
		min: 'Min',
		mode: 'Mode',
		name: 'Name',
		panel: 'Panel',
		provider: 'Provider',
		providerCharge: 'Provider charge',
		quantity: 'Quantity',
		rate: 'Rate',
		remains: 'Remains',
		search: 'Search',
		service: 'Service',
		source: 'Source',
		spent: 'Spent',
		startCount: 'Start count',
		status: 'Status',
		subject: 'Subject',
		type: 'Type',
		updated: 'Updated',
		user: 'User',
		username: 'Username',
		waiting: 'Waiting'
	},

	/** The words of src/lib/format.ts. */
	format: {
		never: 'never',
		justNow: 'just now',
		/** `span` is "12 min": "12 min ago". */
		ago: (span: string) => `${span} ago`,
		/** The seed's ticket column: "waiting 3 h". */
		waiting: (span: string) => `waiting ${span}`,
		seconds: (n: number) => `${n} s`,
		minutes: (n: number) => `${n} min`,
		hours: (n: number) => `${n} h`,
		days: (n: number) => `${n} d`,
		/** Backend values whose label is not the value made readable ("in_progress" -> "In progress"). */
		valueLabels: { api: 'API' } as Record<string, string>
	},

	/** Failures the UI itself describes (the backend's come with their own text). */
	errors: {
		ipcFix: 'Restart Paneldesk. If it keeps happening, send the newest file from the log folder to support.',
		noAnswer: 'The app core did not answer.',
		panelFallback: (id: number) => `Panel ${id}`
	},

	/** Every screen's title and one-sentence summary (src/lib/screens.ts). */
	screens: {
		dashboard: {
			title: 'Dashboard',
			summary:
				'Totals of orders, tickets, users and payments for each panel and overall, the sync status, any critical services, and the open tickets that have waited longest.'
		},
		orders: {
			title: 'Orders',
			summary:
				'Search and filter the orders of every panel, and resend, cancel, change the status of, set partial or edit the link of an order on its panel.'
		},
		outbox: {
			title: 'Outbox',
			summary:
				'Replies on their way to the panels: queued while a panel is unreachable, held when the customer wrote meanwhile, failed with the reason; retry, edit or discard them.'
		},
		tickets: {
			title: 'Tickets',
			summary:
				'Read and answer support tickets with templates and AI drafts, see the orders a ticket mentions, and close, reopen or assign it.'
		},
		users: {
			title: 'Users',
			summary:
				'Look up customers across panels with their balance, spending and status, and open one to see their orders, payments, tickets and private notes.'
		},
		payments: {
			title: 'Payments',
			summary:
				"Browse payments across panels and add a payment to a user, checked against the payment method's limits and confirmed before it is sent."
		},
		services: {
			title: 'Services',
			summary:
				"See each panel's services with their rates and limits, refresh them from the panel, and import service descriptions from a CSV or Excel file."
		},
		serviceHealth: {
			title: 'Service health',
			summary:
				'Score every service by its stuck and slow orders over a time window, so the services that are failing stand out.'
		},
		topSpenders: {
			title: 'Top spenders',
			summary:
				'Rank customers by what they spent and paid in a time window, with their lifetime spend, their favourite services and a badge for new sign-ups.'
		},
		flaggedReplies: {
			title: 'Flagged replies',
			summary:
				'Find staff replies that were too short, too quick, or left the customer writing again, grouped by staff member and by service.'
		},
		staffStatistics: {
			title: 'Staff statistics',
			summary:
				'How many tickets each staff member answered in a time window, and how long customers waited for their replies on average.'
		},
		reportedServices: {
			title: 'Reported services',
			summary:
				'Services reported as having a problem, with the reason, who reported them, when, and whether the problem has been resolved.'
		},
		activityLog: {
			title: 'Activity log',
			summary:
				'Every action taken in the app (replies, payments, order actions, settings and key changes, exports) with when, who, the details and the device.'
		},
		competitors: {
			title: 'Competitors',
			summary:
				"Watch rival panels' public service lists and see their new services, removed services and price changes between checks."
		},
		panels: {
			title: 'Panels',
			summary:
				'Add and edit the Perfect Panel installations Paneldesk works with: address, API keys, your staff name there, request rate and connection status.'
		},
		staffDirectory: {
			title: 'Staff directory',
			summary:
				'The staff names used on each panel and who they belong to, so that replies and reports are attributed to the right person.'
		},
		syncEngine: {
			title: 'Sync engine',
			summary:
				"How often each panel's orders, users, payments, tickets and services are fetched, how long finished data is kept, and how each sync is doing."
		},
		templates: {
			title: 'Templates',
			summary: 'Saved replies to insert when answering tickets.'
		},
		aiPresets: {
			title: 'AI presets',
			summary:
				'Named ways to draft a ticket reply with AI (provider, model and instructions), whose drafts you edit before sending.'
		},
		aiSettings: {
			title: 'AI settings',
			summary:
				'Keys for the AI providers, the language that messages are translated into, and the prompt used to analyse a ticket.'
		},
		paymentMethods: {
			title: 'Payment methods',
			summary:
				'The methods you can add payments with: the exact name the panel expects, the name shown to you, and the smallest and largest amount allowed.'
		},
		localApiKeys: {
			title: 'Local API keys',
			summary:
				'Keys for the optional local API that lets other tools on this computer read the cached data, each limited to chosen resources and panels.'
		},
		profile: {
			title: 'My profile & app lock',
			summary: 'Your operator name, and a password lock that keeps the app closed to others when you step away.'
		},
		backup: {
			title: 'Backup',
			summary: 'Export this computer’s own data (notes, templates, log, profiles, settings) encrypted with a passphrase, and restore it.'
		},
		diagnostics: {
			title: 'Diagnostics',
			summary: 'The logs folder, and a summary of versions, panels and sync states to send to support.'
		},
		notifications: {
			title: 'Notifications',
			summary: 'Which events the desktop tells you of: a service turning critical, a customer writing, a rival’s price moving.'
		},
		updates: {
			title: 'Updates',
			summary: 'Check for new versions of Paneldesk and install them; only updates signed by the publisher are accepted.'
		}
	},

	/** The sidebar's group headings. */
	navGroups: {
		reports: 'Reports',
		settings: 'Settings'
	},

	/** src/routes/+error.svelte and the route that finds no screen. */
	errorPage: {
		notFoundTitle: 'Not found',
		errorTitle: 'Error',
		notFoundHeading: 'Screen not found',
		errorHeading: 'Something went wrong',
		unknownError: 'Unknown error.',
		toDashboard: 'Go to the dashboard',
		noSuchScreen: 'There is no such screen in Paneldesk.'
	},

	shell: {
		skipToContent: 'Skip to content'
	},

	sidebar: {
		goTo: 'Go to…',
		shortcut: 'Ctrl K',
		navLabel: 'Main',
		about: 'About Paneldesk'
	},

	about: {
		title: 'About Paneldesk',
		subtitle: 'Desktop console for Perfect Panel SMM panels',
		errorCode: 'Error code:',
		version: 'Version',
		cacheSchema: 'Cache schema',
		localSchema: 'Local schema',
		dataFolder: 'Data folder',
		logFolder: 'Log folder'
	},

	palette: {
		label: 'Go to',
		placeholder: 'Order, ticket or payment ID, username or email',
		matches: 'Matches',
		/** Each hit's kind, as its badge says it. */
		kinds: { order: 'order', user: 'user', ticket: 'ticket', payment: 'payment' },
		nothing: (query: string) => `Nothing in the cache matches “${query}”.`,
		hint: "Search every panel's cached orders, users, tickets and payments."
	},

	dashboard: {
		demoData: 'Demo data',
		/** `n` critical services in the red bar. */
		critical: (n: number) => `${n} critical ${n === 1 ? 'service' : 'services'}`,
		copied: 'Copied',
		copyCritical: 'Copy all critical IDs',
		totals: 'Totals',
		totalOrders: 'Total Orders',
		tickets: 'Tickets',
		users: 'Users',
		payments: 'Payments',
		open: (count: string) => `${count} open`,
		panels: 'Panels',
		panel: 'Panel',
		status: 'Status',
		orders: 'Orders',
		openOrders: 'Open orders',
		lastSynced: 'Last synced',
		openPanelSettings: 'Open panel settings',
		waitingLongest: 'Tickets waiting longest',
		noneWaiting: 'No customer is waiting for an answer.'
	},

	/** The form that adds or edits a panel (settings and the welcome screen). */
	panelForm: {
		/** A heading per error code, so a wrong key never reads like a network problem. */
		errorTitles: {
			wrong_key: 'Wrong API key',
			unreachable: 'Panel unreachable',
			rate_limited: 'The panel keeps answering 429 (rate limited)',
			panel_url: 'Not a panel address Paneldesk can use',
			config: 'These settings cannot be saved',
			keychain_unavailable: 'The system keychain is not available'
		} as Record<string, string>,
		testFailed: 'The connection test failed',
		saveFailed: 'The panel was not saved',
		nameRequired: 'Enter a name for this panel.',
		urlRequired: "Enter the panel's address, like https://yourpanel.example.",
		adminKeyRequired: 'Enter the admin API key.',
		adminKeyRetype: 'Type the admin API key again to test a new address.',
		rateLimitInvalid: 'Enter a number of requests per second above 0.',
		name: 'Name',
		namePlaceholder: 'My panel',
		url: 'Panel URL',
		urlPlaceholder: 'https://yourpanel.example',
		urlHelpDemo: 'The demo panel runs inside Paneldesk; its address cannot change.',
		urlHelp: 'The address of your Perfect Panel site; the Admin API v2 path is added for you.',
		adminKey: 'Admin API key',
		adminKeyStored: 'Stored',
		adminKeyPlaceholder: 'Paste the admin API key',
		/** `last4`: the stored key's last four characters, if known. */
		adminKeyKeep: (last4: string | null) =>
			`Leave empty to keep the stored key${last4 ? ` (•••• ${last4})` : ''}.`,
		adminKeyHelp: "Created in your panel's admin area (Admin API). Kept in the system keychain only.",
		servicesKey: 'Services API key',
		optional: 'optional',
		servicesKeyStored: '•••• stored',
		servicesKeyPlaceholder: 'For the services catalogue',
		servicesKeyKeep: 'Leave empty to keep the stored key.',
		servicesKeyHelp: "A user API key, used only to read the panel's services with their rates.",
		staffName: 'Your staff name',
		staffNameHelp:
			"Must exactly match your staff name in the panel's admin area: replies you send are attributed to it.",
		rateLimit: 'Rate limit',
		rateUnit: 'requests/s',
		rateLimitHelp: 'The most requests per second Paneldesk sends to this panel (default 5).',
		testingConnection: 'Testing the connection…',
		/** A test that worked; counts already formatted, `services` null when not read. */
		connected: (orders: string, users: string, services: string | null) =>
			`Connected: ${orders} orders, ${users} users visible${services === null ? '' : `, ${services} services`}`,
		testConnection: 'Test connection',
		addPanel: 'Add panel'
	},

	/** Settings › Panels. */
	panels: {
		intro:
			'The Perfect Panel installations Paneldesk works with. Keys are kept in the system keychain and never shown again, only their last four characters.',
		addPanel: 'Add panel',
		addTitle: 'Add a panel',
		/** A panel's status badge, by status code. */
		statuses: {
			connected: 'Connected',
			auth_error: 'Auth error',
			unreachable: 'Unreachable',
			rate_limited: 'Rate limited',
			disabled: 'Disabled'
		} as Record<string, string>,
		disabledNotice: (name: string) => `"${name}" is disabled: it is no longer synced.`,
		enabledNotice: (name: string) => `"${name}" is enabled.`,
		removedNotice: (name: string) => `"${name}" was removed, with its cached data.`,
		addedNotice: (name: string) => `"${name}" was added. Its first sync starts now.`,
		savedNotice: (name: string) => `"${name}" was saved.`,
		emptyTitle: 'No panels yet',
		/** The empty state reads `before` + the bold `action` + `after`. */
		empty: {
			before: 'Choose ',
			action: 'Add panel',
			after:
				", then enter your panel's address (like https://yourpanel.example) and an admin API key created in its admin area. Test the connection, then add it: Paneldesk starts copying its data at once."
		},
		listLabel: 'Panels',
		test: 'Test',
		edit: 'Edit',
		disable: 'Disable',
		enable: 'Enable',
		remove: 'Remove',
		url: 'URL',
		staffName: 'Staff name',
		rateLimit: 'Rate limit',
		rate: (rate: number) => `${rate} requests/s`,
		adminKey: 'Admin key',
		keyFromEnvironment: 'from the environment',
		servicesKey: 'Services key',
		stored: 'Stored',
		none: 'None',
		removeTitle: (name: string) => `Remove "${name}"?`,
		removeText:
			'Its cached orders, users, payments, tickets and services will be deleted from this computer, and its keys removed from the keychain. Nothing changes on the panel itself.',
		removing: 'Removing…',
		removeConfirm: 'Remove panel and its data'
	},

	/** Settings › Sync engine. */
	syncSettings: {
		closeToTray: 'Keep syncing in the tray when the window is closed (Quit from the tray icon ends Paneldesk)',
		intro:
			'Orders, Payments, Users sync engine global settings. Changes apply instantly. Retention change will immediately delete data older than the set period.',
		verifyTitle: 'Compare the cache with the panels: statuses corrected, rows deleted on a panel removed',
		verifyNow: 'Verify now',
		starting: 'Starting…',
		syncNow: 'Sync now',
		syncStarted: 'Sync started: every enabled panel is fetched now instead of at its next interval.',
		verifyStarted:
			"Verify started: each panel's cache is compared with the panel, range by range, between syncs.",
		/** A finished verify pass; `resource` is its label, `to` a formatted date. */
		verified: (panel: string, resource: string, to: string) =>
			`Verified ${panel}: ${resource} compared with the panel up to ${to}.`,
		verifying: (panel: string, resource: string, checkedTo: string, to: string) =>
			`Verifying ${panel}: ${resource} created up to ${checkedTo} compared, of ${to}.`,
		readOnly: 'This window only reads.',
		empty: 'No panel is configured yet: add one in Settings › Panels and its resources appear here.'
	},

	/** One panel's resources in Settings › Sync engine. */
	syncTable: {
		resource: 'Resource',
		interval: 'Interval (sec)',
		perFetch: 'Records per fetch',
		cached: 'Currently cached',
		lastFetched: 'Last fetched',
		status: 'Status',
		/** `resource` is its label ("Orders"), `panel` the panel's name. */
		intervalLabel: (resource: string, panel: string) => `${resource} interval in seconds, ${panel}`,
		perFetchLabel: (resource: string, panel: string) => `${resource} records per fetch, ${panel}`,
		progressLabel: (resource: string, panel: string) => `${resource} sync progress, ${panel}`,
		intervalInvalid: (min: number) => `The interval must be a whole number of seconds, at least ${min}.`,
		perFetchInvalid: (max: number) => `Records per fetch must be a whole number from 1 to ${max}.`,
		/** `count` already formatted. */
		rate: (count: string) => `${count} rows/s`,
		fetched: (count: string, rate: string) => `${count} fetched · ${rate}`
	},

	/** The retention card of Settings › Sync engine. */
	retention: {
		title: 'Global settings',
		label: 'Retention',
		unit: 'days',
		help: 'Changing retention immediately deletes finished orders, payments and closed tickets older than this from this computer. Nothing is deleted on the panels.',
		invalid: (min: number) => `Enter a whole number of days, at least ${min}.`,
		/** Counts already formatted. */
		result: (days: number, orders: string, payments: string, tickets: string) =>
			`Saved: ${days} days. Removed ${orders} orders, ${payments} payments and ${tickets} tickets from this computer.`
	},

	/** The shell's footer line. */
	syncStatus: {
		online: 'Online',
		offline: 'Offline',
		/** `ago` is "12 min ago", "never"... */
		lastSynced: (online: boolean, ago: string) => `${online ? '' : 'Showing cached data · '}last synced ${ago}`,
		running: 'Syncs running',
		/** A running sync's resource, by its code. */
		resources: { orders: 'orders', users: 'users', payments: 'payments', tickets: 'tickets', services: 'services' }
	},

	/** The first-run screen. */
	welcome: {
		windowTitle: 'Welcome',
		title: 'Welcome to Paneldesk',
		lead: 'Your desktop console for the SMM panels you run on Perfect Panel: orders, tickets, users and payments of every panel in one place, fast and usable offline.',
		connectTitle: 'Connect a panel',
		connectFormText:
			"Paneldesk talks to your panel through its Admin API. Keys are kept in this computer's system keychain, never in files.",
		connectText:
			'Enter your Perfect Panel address and admin API key; Paneldesk tests the connection and starts copying your orders, users, payments and tickets to this computer.',
		connect: 'Connect a panel',
		demoTitle: 'Explore the demo panel',
		demoText:
			'A built-in panel running on this computer with generated orders, users and tickets, so you can try every screen safely; it is labelled "Demo" and you can remove it later in Settings › Panels.',
		startingDemo: 'Starting the demo…',
		exploreDemo: 'Explore the demo panel',
		demoStarting: 'Starting the demo panel and generating its data…',
		footnote:
			'Everything Paneldesk fetches stays on this computer. You can add more panels at any time in Settings › Panels.'
	},

	/** The data browsers' frame (TableScreen, DataTable, FilterBar). */
	table: {
		countUnavailable: 'The row count is not available right now',
		counting: 'Counting…',
		/** `counted` is "3 orders". */
		countFiltered: (counted: string, n: number) => `${counted} ${n === 1 ? 'matches' : 'match'} the filters`,
		clearFilters: 'Clear filters',
		exporting: 'Exporting…',
		exportCsv: 'Export CSV',
		/** `counted` is "12 rows". */
		exported: (counted: string, path: string) => `Saved ${counted} to ${path}`,
		noMatches: (noun: Noun) => `No ${noun.other} match these filters.`,
		details: 'Details',
		nothingMatches: 'Nothing matches.',
		resize: (column: string) => `Resize ${column}`,
		all: 'All',
		from: (label: string) => `${label} from`,
		to: (label: string) => `${label} to`
	},

	orders: {
		searchPlaceholder: 'Order ID, link or username',
		empty: 'No orders cached yet. They appear here as the sync brings them in.'
	},

	payments: {
		searchPlaceholder: 'Payment ID, username or memo',
		empty: 'No payments cached yet. They appear here as the sync brings them in.'
	},

	services: {
		description: 'Description',
		searchPlaceholder: 'Service ID, name or category',
		empty: 'No services cached. Set a Services API key in Settings › Panels, and the next sync fetches them.'
	},

	tickets: {
		searchPlaceholder: 'Ticket ID, username or subject',
		empty: 'No tickets cached yet. They appear here as the sync brings them in.',
		waitingFilter: 'Waiting for us',
		unread: (n: number) => `${n} new`,
		unreadLabel: (n: number) => `${n} unread customer ${n === 1 ? 'message' : 'messages'}`,
		counts: 'Tickets by status',
		waitingCount: (n: string) => `${n} waiting for us`,
		keys: 'j / k next and previous ticket · r reply · Ctrl+Enter send · Esc leave the reply box'
	},

	users: {
		searchPlaceholder: 'User ID, username or email',
		empty: 'No users cached yet. They appear here as the sync brings them in.'
	},

	/** The frame of every detail pane. */
	detail: {
		close: 'Close details'
	},

	orderDetail: {
		title: (id: number) => `Order #${id}`,
		mentions: 'Tickets that mention it',
		noMentions: 'No cached ticket quotes this order.',
		mention: (id: number, subject: string) => `Ticket #${id} · ${subject}`
	},

	paymentDetail: {
		title: (id: number) => `Payment #${id}`
	},

	ticketDetail: {
		title: (id: number) => `Ticket #${id}`,
		notFound: (id: number) => `there is no ticket #${id} in the cache`,
		conversation: 'Conversation',
		noMessages: 'The conversation is not cached yet: it arrives with the next sync of tickets.',
		customer: 'Customer',
		staff: 'Staff',
		unknownTime: 'time unknown',
		quoted: 'Orders quoted',
		noQuoted: 'The customer quotes no order ID.',
		notCached: 'not cached',
		recentOrders: 'Recent orders',
		recentPayments: 'Recent payments',
		notes: 'Private notes',
		noUser: 'This customer is not in the cache.',
		none: 'None cached.',
		close: 'Close ticket',
		reopen: 'Reopen',
		assign: 'Assign to me',
		acting: 'Working…',
		missingActions: (actions: string, panel: string) =>
			`${panel} does not have ${actions}: it answered "Page not found.", so ${actions === 'assign' ? 'it is' : 'they are'} hidden here. Use the panel's web admin.`,
		actionLabels: { close: 'close', reopen: 'reopen', assign: 'assign' } as Record<string, string>
	},

	reply: {
		label: 'Reply',
		placeholder: 'Write a reply (plain text; new lines are kept)…',
		send: 'Send',
		sending: 'Sending…',
		sendsAs: (staff: string) => `Sends as ${staff}`,
		noStaff: (panel: string) => `No staff name is set for you on ${panel}: a reply would go out unsigned.`,
		staffPlaceholder: 'Your staff name on this panel',
		saveStaff: 'Save staff name',
		insertTemplate: 'Insert template',
		templateSearch: 'Search templates',
		noTemplates: 'No templates yet: add them in Settings › Templates.',
		noTemplateMatch: 'No template matches.',
		missing: (names: string) =>
			`No value here for ${names}: it stays in the text, highlighted, until you fill it in. A reply holding one is not sent.`,
		sent: 'Sent.',
		queued: 'Queued: it is sent as soon as the panel answers.',
		queuedBy: (who: string) => `Queued. This window does not send: ${who}`,
		unknown: 'The panel did not confirm it. Paneldesk checks the ticket before trying again, so it is never sent twice.',
		failed: (reason: string) => `Not sent: ${reason}`,
		held: (reason: string) =>
			`Held: ${reason}. Read the new messages above, then send it as it is or edit it.`,
		sendAnyway: 'Send as it is',
		edit: 'Edit',
		retry: 'Retry',
		discard: 'Discard',
		save: 'Save',
		cancel: 'Cancel'
	},

	outbox: {
		intro: 'Replies on their way to the panels: sent at once when a panel answers, queued when it does not, and never sent twice.',
		empty: 'Nothing waiting: every reply went out.',
		states: {
			queued: 'Queued',
			sending: 'Sending',
			unknown: 'Checking',
			sent: 'Sent',
			held: 'Held',
			failed: 'Failed'
		} as Record<string, string>,
		ticket: (panel: string, id: number) => `${panel} · ticket #${id}`,
		openTicket: 'Open ticket',
		badge: (n: number) => `${n} ${n === 1 ? 'reply' : 'replies'} in the outbox`
	},

	templates: {
		intro: 'Replies you write often. Placeholders are filled from the ticket when you insert one:',
		add: 'New template',
		title: 'Title',
		body: 'Text',
		save: 'Save template',
		delete: 'Delete',
		edit: 'Edit',
		cancel: 'Cancel',
		empty: 'No templates yet.',
		deleted: (title: string) => `Deleted "${title}".`,
		placeholders: {
			customer: "the customer's username",
			order_ids: 'the order IDs the ticket quotes',
			staff: 'your staff name on the panel',
			panel: "the panel's name",
			ticket_id: "the ticket's ID"
		} as Record<string, string>
	},

	operators: {
		label: 'Operator',
		switchTo: 'Switch operator',
		add: 'Add operator…',
		addPrompt: 'Name of the new operator',
		addButton: 'Add',
		cancel: 'Cancel'
	},

	ai: {
		analyze: 'Analyze',
		analysis: 'Analysis',
		translate: 'TR',
		translateTitle: 'Translate this message',
		intent: 'Intent',
		intentTitle: 'What does the customer want?',
		draft: 'Draft reply',
		preset: 'Preset',
		noPresets: 'No AI presets yet: add one in Settings › AI presets.',
		shorter: 'Shorter',
		friendlier: 'Friendlier',
		formal: 'More formal',
		customerLanguage: "Customer's language",
		stop: 'Stop',
		working: 'Writing…',
		stopped: 'Stopped: what came so far is kept.',
		preview: 'Preview what is sent',
		hidePreview: 'Hide preview',
		previewTo: (provider: string, model: string) => `Sent to ${provider}, model ${model}:`,
		system: 'System',
		user: 'Message',
		dropped: (n: number) => `${n} oldest ${n === 1 ? 'message was' : 'messages were'} left out to fit the model's context.`,
		unknownOrders: (ids: string) =>
			`Not in the cache: order ${ids}. The AI may have invented it; check before sending.`,
		sendAnyway: 'Send anyway',
		usage: (input: number, output: number) => `${input} tokens in, ${output} out`,
		usageUnknown: 'tokens not reported'
	},

	aiSettings: {
		intro: 'Providers answer the AI buttons of a ticket. Keys stay in the system keychain; only their last 4 characters show here.',
		add: 'Add provider',
		kind: 'Type',
		kinds: { open_ai: 'OpenAI', anthropic: 'Anthropic', open_ai_compatible: 'OpenAI-compatible (local server too)' } as Record<string, string>,
		name: 'Name',
		baseUrl: 'API address',
		baseUrlHint: 'For a local server: http://127.0.0.1:8080/v1',
		model: 'Model',
		loadModels: 'Load models',
		key: 'API key',
		keyKept: (last4: string) => `•••• ${last4}: leave blank to keep it, type - to clear it`,
		keyNone: 'None stored',
		context: 'Context (tokens)',
		save: 'Save provider',
		cancel: 'Cancel',
		edit: 'Edit',
		remove: 'Remove',
		test: 'Test',
		tested: (n: number, names: string) => `Answered: ${n} ${n === 1 ? 'model' : 'models'} (${names}).`,
		none: 'No provider yet.',
		language: 'Translate into',
		analysisPrompt: 'Analysis prompt',
		analysisHelp: 'Placeholders: {{subject}}, {{customer}}, {{status}}, {{conversation}}. Blank uses the built-in prompt shown.',
		saveSettings: 'Save',
		saved: 'Saved.',
		usageTitle: 'Tokens used, last 30 days',
		usageDay: 'Day',
		usageProvider: 'Provider',
		usageCalls: 'Calls',
		usageIn: 'In',
		usageOut: 'Out',
		usageUnknown: 'Not reported',
		noUsage: 'No calls yet.'
	},

	aiPresets: {
		intro: 'A preset drafts a reply: its provider and model, and the instructions it follows. Drafts land in the reply box for you to edit.',
		add: 'New preset',
		title: 'Title',
		provider: 'Provider',
		model: 'Model (blank: the provider’s)',
		systemPrompt: 'Instructions (system prompt)',
		save: 'Save preset',
		cancel: 'Cancel',
		edit: 'Edit',
		delete: 'Delete',
		empty: 'No presets yet.',
		needProvider: 'Add a provider in Settings › AI first.'
	},

	apiKeys: {
		intro:
			"The local API serves the cache in Perfect Panel's own Admin API shape, on this computer only, so your scripts read one place instead of many panels, offline, costing the panels no requests. Each panel is at /<panel name>/adminapi/v2, every panel at /adminapi/v2. Each key may read or write the resources you choose, on the panels you choose.",
		server: 'Serve the local API on this computer',
		port: 'Port',
		apply: 'Apply',
		serving: (address: string) => `Serving at ${address}`,
		off: 'Off: nothing listens.',
		failed: (error: string) => `Not serving: ${error}`,
		add: 'New key',
		name: 'Name',
		scopes: 'What it may do',
		access: { none: 'Nothing', read: 'Read', write: 'Read and write' } as Record<string, string>,
		resources: { orders: 'Orders', users: 'Users', payments: 'Payments', tickets: 'Tickets', services: 'Services' } as Record<string, string>,
		panels: 'Panels (none ticked: every panel)',
		allPanels: 'every panel',
		create: 'Create key',
		cancel: 'Cancel',
		secretTitle: 'Your new key: copy it now',
		secretIntro: 'It is shown this once. Paneldesk keeps only its fingerprint (SHA-256), so it cannot show it again.',
		copy: 'Copy',
		copied: 'Copied',
		done: 'Done',
		empty: 'No keys yet.',
		revoke: 'Revoke',
		created: (when: string) => `made ${when}`,
		lastUsed: (when: string | null) => (when ? `last used ${when}` : 'never used')
	},

	paymentMethods: {
		intro: "Each panel's payment methods: the internal name exactly as the panel expects it (case and spaces kept), the name shown, and the amounts allowed, in the panel's currency.",
		add: 'New method',
		panel: 'Panel',
		internalName: 'Internal name (as the panel expects it)',
		displayName: 'Display name',
		min: 'Minimum',
		max: 'Maximum',
		sort: 'Order',
		save: 'Save method',
		cancel: 'Cancel',
		edit: 'Edit',
		delete: 'Delete',
		empty: 'No payment methods yet: add one to add payments.',
		range: (min: string, max: string) => `${min} to ${max}`
	},

	addPayment: {
		open: 'Add payment',
		title: 'Add a payment',
		user: 'User',
		method: 'Method',
		amount: 'Amount',
		memo: 'Memo',
		affiliate: 'Count it for the affiliate commission',
		check: 'Check…',
		checking: 'Checking on the panel…',
		cancel: 'Cancel',
		noMethods: 'No payment method for this panel: add one in Settings › Payment methods.',
		confirmTitle: 'Send this payment?',
		confirmIntro: 'Exactly this is sent to the panel, once:',
		panel: 'Panel',
		yesNo: (yes: boolean) => (yes ? 'Yes' : 'No'),
		send: 'Send payment',
		sending: 'Sending…',
		back: 'Back',
		sent: (id: number) => `Sent: the panel added payment #${id}.`,
		failed: (reason: string) => `Not added: ${reason}`,
		unknown: 'The panel did not confirm it. Check before trying again: the user’s latest payments on the panel are below.',
		latest: 'Latest payments on the panel',
		repeated: 'This payment was already sent once; it was not sent again.',
		done: 'Done'
	},

	reports: {
		panel: 'Panel',
		allPanels: 'All panels',
		window: 'Window',
		hours: (h: number) => `${h} h`,
		custom: 'Custom',
		customHours: 'Hours',
		profile: 'Profile',
		noProfile: 'No profile (defaults)',
		computing: 'Computing…',
		asOf: (time: string) => `As of ${time}`,
		exportCsv: 'Export CSV',
		exporting: 'Exporting…',
		exported: (rows: string, path: string) => `${rows} written to ${path}`,
		help: 'How to read this report',
		tryAgain: 'Try again',
		skipped: (n: number) => `${n} ${n === 1 ? 'message' : 'messages'} without a time left out.`,
		copied: 'Copied.',
		serviceHealth: {
			columns: {
				panel: 'Panel',
				service: 'Service',
				orders: 'Orders',
				finished: 'Finished',
				stuck: 'Stuck',
				slow: 'Slow',
				slowPct: 'Slow %',
				score: 'Score',
				status: 'Status'
			},
			statuses: { healthy: 'Healthy', warning: 'Warning', critical: 'Critical', not_enough_data: 'Not enough data' } as Record<string, string>,
			critical: (n: number) => `${n} critical ${n === 1 ? 'service' : 'services'}`,
			byService: 'By service',
			byProvider: 'By provider',
			provider: 'Provider',
			noProvider: '(no provider)',
			emptyProvider: 'No order of the covered services in this window has a provider. Pick a longer window or another profile.',
			snoozeAll: 'Snooze all critical',
			copyAll: 'Copy all critical IDs',
			actions: (id: number) => `Actions for service ${id}`,
			snooze: 'Snooze 24 h',
			copyId: 'Copy ID',
			openOrders: 'Open its orders',
			empty: 'No service has orders in this window. Pick a longer window, another panel or another profile; services sync with a Services API key (Settings › Panels).',
			trendTitle: (name: string) => `${name}: score per day, last 30 days`,
			trendEmpty: 'No daily score kept yet: Paneldesk keeps one each day it runs (the default rules over the 24 h ending at midnight).',
			editProfiles: 'Profiles…',
			newProfile: 'New profile',
			profileName: 'Name',
			stuckAfter: 'Stuck after (hours)',
			slowMultiplier: 'Slow multiplier',
			minOrders: 'Minimum orders',
			defaultWindow: 'Default window (hours)',
			services: 'Services',
			allServices: 'Every service (none picked)',
			searchServices: 'Search services',
			picked: (n: number) => `${n} picked`,
			save: 'Save profile',
			delete: 'Delete profile',
			close: 'Close'
		},
		topSpenders: {
			columns: {
				panel: 'Panel',
				user: 'User',
				joined: 'Joined',
				payments: 'Payments',
				paid: 'Paid',
				spend: 'Spend',
				lifetime: 'Lifetime',
				top: 'Top services',
				chart: 'In the chart'
			},
			chartUser: (user: string) => `Chart ${user}'s spend per day`,
			perDay: (currency: string | null) => (currency ? `Spend per day, ${currency}` : 'Spend per day'),
			isNew: 'New',
			/** `shown` and `total` come formatted. */
			showing: (shown: string, total: string) =>
				`The first ${shown} of ${total} users, by spend. Export CSV for every one.`,
			showMore: (n: string) => `Show ${n} more`,
			empty: 'Nobody ordered or paid in this window. Pick a longer window, another panel or another profile.',
			editProfiles: 'Profiles…',
			newProfile: 'New profile',
			profileName: 'Name',
			minPayments: 'Minimum payments',
			minSpend: 'Minimum spend (in each panel’s own currency)',
			usersPanel: 'Users of',
			users: 'User IDs',
			everyone: 'Everyone (no IDs)',
			badUsers: 'User IDs are whole numbers, separated by commas.',
			defaultWindow: 'Default window (hours)',
			save: 'Save profile',
			delete: 'Delete profile',
			close: 'Close'
		},
		flagged: {
			byStaff: 'By staff',
			byService: 'By service',
			staffColumns: {
				staff: 'Staff',
				replies: 'Replies',
				avgLength: 'Avg length',
				avgResponse: 'Avg response',
				quickFires: 'Quick fires',
				repeated: 'Repeated',
				score: 'Score'
			},
			serviceColumns: {
				panel: 'Panel',
				service: 'Service',
				tickets: 'Tickets',
				orders: 'Orders',
				complaint: 'Top complaint'
			},
			flaggedTickets: (staff: string) => `${staff}'s flagged tickets`,
			samples: (service: string) => `Sample tickets of ${service}`,
			ticket: (panel: string, id: number) => `Ticket #${id} · ${panel}`,
			orders: (ids: string) => `orders ${ids}`,
			none: 'None.',
			unresolved: (n: number) => `${n} unresolved ${n === 1 ? 'ticket' : 'tickets'} (quoting no cached order)`,
			notFetched: (n: number) => `${n} ${n === 1 ? 'ticket' : 'tickets'} of the window without cached messages yet.`,
			fetchMissing: 'Fetch missing',
			fetching: 'Fetching…',
			fetched: (n: number) => `${n} fetched.`,
			emptyStaff: 'No staff reply in this window. Pick a longer window or another panel.',
			emptyService: 'No ticket of this window quotes a cached order. Pick a longer window, or fetch the missing conversations.'
		},
		staffStats: {
			columns: { staff: 'Staff', answered: 'Answered', avgResponse: 'Avg response (min)' },
			perDay: 'Replies per day, per staff member',
			empty: 'No staff reply in this window. Pick a longer window or another panel.'
		}
	},

	reportService: {
		open: 'Report service…',
		title: 'Report a service',
		intro: (service: string) => `Report ${service} as a problem. It is listed in Reports › Reported services until someone resolves it.`,
		reason: 'Reason',
		send: 'Report',
		cancel: 'Cancel',
		done: 'Reported.'
	},

	backup: {
		intro: 'The panels’ data can always be synced again; what only this computer holds cannot: notes, templates, the activity log, report and watch profiles, the staff directory, snapshots and settings. Keys stay in the system keychain and are not in a backup.',
		exportTitle: 'Export a backup',
		passphrase: 'Passphrase (10 characters or more)',
		again: 'The passphrase again',
		mismatch: 'The two passphrases differ.',
		export: 'Export encrypted backup',
		made: (path: string) => `Written to ${path}. Keep the passphrase apart from the file: without it the backup cannot be opened.`,
		restoreTitle: 'Restore a backup',
		restoreHint: 'It replaces this computer’s notes, templates, log and settings when Paneldesk next starts; the file it replaces is kept beside it.',
		file: 'Backup file',
		restore: 'Restore',
		staged: 'The backup is checked and ready: Paneldesk applies it when it restarts.',
		restart: 'Restart now'
	},

	crash: {
		stopped: (when: string) =>
			`Paneldesk stopped unexpectedly (${when}). A crash report is in the logs folder: it says where the code failed, and holds no key and no customer text.`,
		open: 'Open the logs folder',
		dismiss: 'Dismiss'
	},

	diagnostics: {
		intro: 'What support needs to help: versions, your system, each panel’s status and each sync’s state and last error. It holds no key and no customer text; read it before you send it.',
		openLogs: 'Open logs folder',
		copy: 'Copy diagnostics',
		copied: 'Copied to the clipboard.'
	},

	updates: {
		intro: 'Paneldesk checks for a new version when it starts, quietly. An update is installed only when it carries the publisher’s signature.',
		current: 'This version',
		lastCheck: 'Last check',
		never: 'Never',
		checkNow: 'Check now',
		checking: 'Checking…',
		notChecked: 'Not checked yet.',
		upToDate: 'Paneldesk is up to date.',
		available: (v: string) => `Version ${v} is available.`,
		couldNotCheck: 'Could not check for updates. Paneldesk keeps working; try again later.',
		notesTitle: (v: string) => `What is new in ${v}`,
		published: (when: string) => `Published ${when}`,
		noNotes: 'No release notes.',
		download: 'Download',
		verified: (v: string) => `Version ${v} is downloaded and its signature verified.`,
		install: 'Install and restart',
		endpoint: 'Update server address',
		endpointDefault: 'The built-in address',
		saveEndpoint: 'Save address'
	},

	notificationSettings: {
		intro: 'Desktop notifications, shown by your system while Paneldesk runs (in the background too). Each is told once.',
		critical: 'A service turns critical (the default service health profile, the last 24 hours; snoozed services are not told)',
		tickets: 'A new ticket arrives, or a customer writes again on an open ticket',
		ticketChoices: { off: 'Never', mine: 'On tickets assigned to me', anyone: 'On any ticket' } as Record<string, string>,
		prices: 'A watched rival’s price moves past a watch profile’s threshold',
		saved: 'Saved.'
	},

	competitors: {
		profile: 'Watch profile',
		allChanges: 'Every rival, every change',
		newProfile: 'New profile…',
		editProfile: 'Edit profile…',
		addRival: 'Add rival…',
		rivals: 'Rivals',
		changes: 'Changes',
		noRivals: 'No rival is watched. Add one with its address and your account’s API key there: Paneldesk reads its public services list, as any customer can.',
		noChanges: (hours: number | null) =>
			hours === null ? 'No change seen yet. A rival’s first poll is the baseline; changes show from its second.' : `No change in the last ${hours} h beyond the profile’s threshold.`,
		columns: {
			rival: 'Rival',
			address: 'Address',
			services: 'Services',
			lastPoll: 'Last poll',
			status: 'Status',
			when: 'When',
			change: 'Change',
			service: 'Service',
			price: 'Price per 1000',
			move: 'Move',
			taken: 'Polled',
			found: 'Changes'
		},
		kinds: { new: 'New', removed: 'Removed', price: 'Price', renamed: 'Renamed' } as Record<string, string>,
		renamedFrom: (old: string) => `was “${old}”`,
		ok: 'OK',
		never: 'Not polled yet',
		pollNow: 'Poll now',
		polling: 'Polling…',
		polled: (services: number, changes: number, first: boolean) =>
			first ? `First look: ${services} services kept as the baseline.` : `${services} services, ${changes} change${changes === 1 ? '' : 's'} since the last poll.`,
		edit: 'Edit',
		remove: 'Remove',
		history: 'History',
		historyOf: (rival: string) => `Polls of ${rival}`,
		priceOf: (service: string) => `Price over time: ${service}`,
		priceSeries: 'Price per 1000',
		close: 'Close',
		save: 'Save',
		rivalTitle: 'Rival panel',
		rivalName: 'Name',
		rivalUrl: 'Address (the panel, or its /api/v2)',
		urlExample: 'https://rival.example',
		rivalKey: 'Your account’s API key there',
		keyKept: (last4: string) => `Stored in the system keychain (…${last4}); leave blank to keep it.`,
		profileTitle: 'Watch profile',
		profileName: 'Name',
		watched: 'Rivals watched',
		windowHours: 'Show changes of the last (hours)',
		intervalMinutes: 'Poll every (minutes)',
		thresholdPct: 'Smallest price move shown (%)',
		deleteProfile: 'Delete profile',
		help: 'Each poll reads a rival’s public services list through its user API (action=services) with your account key there, and keeps it as a snapshot. Each snapshot is compared with the one before: services added, services removed, renamed services, and price changes. A profile shows the changes of its rivals within its window, and only the price moves of at least its threshold (in %, up or down). A profile’s rivals are polled on its interval; the shortest interval wins when a rival is in several. Prices are the rival’s, per 1000, in its own currency.'
	},

	reportedServices: {
		columns: {
			panel: 'Panel',
			service: 'Service',
			reason: 'Reason',
			from: 'From',
			by: 'Reported by',
			when: 'When',
			open: 'Open orders',
			status: 'Status'
		},
		sources: { order: 'Order', service: 'Service', ticket: 'Ticket' } as Record<string, string>,
		resolve: 'Resolve',
		resolved: (who: string, when: string) => `Resolved by ${who}, ${when}`,
		open: 'Open',
		empty: 'No service reported. Report one from an order, from service health or from a ticket’s quoted orders.',
		help: 'Services operators reported as a problem, with why and from where; open ones first. Open orders counts the service’s orders still pending, in progress, processing or awaiting in the cache.'
	},

	selection: {
		column: 'Selected',
		select: (id: string) => `Select ${id}`,
		count: (n: number) => `${n} selected`,
		clear: 'Clear selection',
		onePanel: 'Select orders of one panel to act on them together.'
	},

	servicesImport: {
		open: 'Import descriptions…',
		title: 'Import service descriptions',
		intro: 'A CSV or XLSX file with a header row naming a service id column (service_id or id) and a description column; other columns are ignored. Descriptions are kept on this computer and survive services refreshes.',
		panel: 'Panel',
		file: 'File',
		reading: 'Reading the file…',
		counts: (added: number, updated: number, same: number, unknown: number) =>
			`${added} new · ${updated} updated · ${same} unchanged · ${unknown} unknown services`,
		line: 'Row',
		service: 'Service',
		description: 'Description',
		change: 'Change',
		changes: { new: 'New', updated: 'Updated', unchanged: 'Unchanged', unknown_service: 'Unknown service' } as Record<string, string>,
		bad: (n: number) => `${n} ${n === 1 ? 'row' : 'rows'} could not be read and will be left out:`,
		badRow: (line: number, reason: string) => `row ${line}: ${reason}`,
		includeUnknown: 'Also keep descriptions of services this panel’s catalogue does not have (yet)',
		firstRows: (n: number) => `The first ${n} rows:`,
		apply: 'Import',
		applying: 'Importing…',
		done: (written: number, same: number, skipped: number) =>
			`Imported: ${written} written, ${same} unchanged, ${skipped} unknown services left out.`,
		cancel: 'Cancel',
		close: 'Close'
	},

	staffDirectory: {
		intro: 'Who answers tickets. A member’s name on each panel must match the staff name set in that panel’s admin, so replies are counted for the right person. Bots are left out of the staff reports.',
		add: 'New member',
		name: 'Name',
		role: 'Role',
		roles: { staff: 'Staff', admin: 'Admin', bot: 'Bot' } as Record<string, string>,
		namesPerPanel: 'Name on each panel',
		namesHint: 'Several names are separated by commas; empty means their name above.',
		allowedPanels: 'Allowed panels',
		allPanels: 'All panels',
		allowedHint: 'None checked means every panel.',
		save: 'Save member',
		cancel: 'Cancel',
		edit: 'Edit',
		remove: 'Remove',
		empty: 'No staff yet. Add the people who answer tickets, with their name on each panel.',
		columns: { name: 'Name', role: 'Role', panels: 'Allowed panels', names: 'Names on panels' }
	},

	profile: {
		intro: 'Who you are at this computer: your name, the staff name your replies carry on each panel, and an optional lock.',
		name: 'Your name',
		rename: 'Save name',
		saved: 'Saved.',
		staffNames: 'Your staff name on each panel',
		staffNamesHint: 'Empty uses the panel’s own staff name.',
		panelDefault: (name: string) => `panel's: ${name}`,
		noPanelDefault: 'none set',
		saveStaffName: 'Save',
		lockTitle: 'App lock',
		lockIntro: 'A passcode asked when the app starts and after you have been idle. Only a hash of it is kept, on this computer.',
		lockOn: (minutes: number) =>
			minutes === 0 ? 'On: asked when the app starts.' : `On: asked when the app starts and after ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} idle.`,
		lockOff: 'Off.',
		current: 'Current passcode',
		passcode: 'New passcode',
		confirm: 'Type it again',
		mismatch: 'The two passcodes differ.',
		idle: 'Lock after idle (minutes, 0 for never)',
		turnOn: 'Turn the lock on',
		change: 'Change passcode',
		saveIdle: 'Save idle time',
		turnOff: 'Turn the lock off',
		lockNow: 'Lock now'
	},

	lockScreen: {
		title: 'Paneldesk is locked',
		who: (name: string) => `Type ${name}'s passcode to go on.`,
		passcode: 'Passcode',
		unlock: 'Unlock',
		checking: 'Checking…'
	},

	orderActions: {
		open: 'Act on order…',
		openMany: (n: number) => `Act on ${n} ${n === 1 ? 'order' : 'orders'}…`,
		title: 'Act on orders',
		action: 'Action',
		actions: {
			resend: 'Resend to the provider',
			cancel: 'Cancel and refund',
			request_cancel: 'Request cancel from the provider',
			change_status: 'Change status',
			set_partial: 'Set partial',
			edit_link: 'Edit link'
		} as Record<string, string>,
		reason: 'Reason (optional)',
		status: 'New status',
		remains: 'Remains (not delivered)',
		link: 'New link',
		orders: 'Orders',
		check: 'Review…',
		confirmTitle: 'Do this on the panel?',
		confirmIntro: 'Exactly this is sent to the panel, once:',
		confirm: 'Do it',
		working: 'Sending…',
		back: 'Back',
		cancel: 'Cancel',
		done: 'Done',
		close: 'Close',
		resultDone: (id: number) => `#${id}: done`,
		resultSkipped: (id: number, reason: string) => `#${id}: skipped, ${reason}`,
		summary: (done: number, skipped: number) => `${done} done, ${skipped} skipped.`,
		selectQuoted: 'Select',
		noneSelected: 'Select the quoted orders to act on.'
	},

	activityLog: {
		intro: 'Everything done to a panel or to what this computer keeps: who, from which device, and how it ended. Never a message or a key.',
		action: 'Action',
		operator: 'Operator',
		panel: 'Panel',
		from: 'From',
		to: 'To',
		all: 'All',
		exportCsv: 'Export CSV',
		exported: (n: string, path: string) => `${n} written to ${path}`,
		empty: 'Nothing logged matches.',
		when: 'When',
		who: 'Who',
		device: 'Device',
		target: 'What',
		outcome: 'Outcome',
		details: 'Details',
		actions: {
			reply: 'Reply',
			close: 'Close ticket',
			reopen: 'Reopen ticket',
			assign: 'Assign ticket',
			template_add: 'Template added',
			template_edit: 'Template changed',
			template_delete: 'Template deleted',
			outbox_discard: 'Reply discarded',
			export: 'Export',
			ai_key: 'AI key',
			ai_provider: 'AI provider',
			ai_preset: 'AI preset',
			ai_call: 'AI call',
			payment: 'Payment',
			payment_method: 'Payment method',
			order_action: 'Order action',
			panel: 'Panel settings',
			panel_key: 'Panel key',
			sync_settings: 'Sync settings',
			import: 'Import',
			staff: 'Staff directory',
			profile: 'Profile',
			app_lock: 'App lock',
			competitor: 'Competitors watch',
			notifications: 'Notifications',
			backup: 'Backup'
		} as Record<string, string>,
		outcomes: { sent: 'Done', failed: 'Failed', unknown: 'Unknown' } as Record<string, string>
	},

	link: {
		title: 'Open this address?',
		intro: 'A customer wrote this link. It opens in your browser, outside Paneldesk:',
		image: 'The customer attached an image. It is not loaded here; it opens in your browser:',
		open: 'Open in browser',
		cancel: 'Cancel'
	},

	userDetail: {
		title: (id: number) => `User #${id}`,
		notes: 'Private notes',
		notesHelp: 'Only on this computer; never sent to the panel.',
		notePlaceholder: 'Add a note about this customer',
		addNote: 'Add note',
		deleteNote: 'Delete note',
		delete: 'Delete',
		/** The section headings; `n` already formatted. */
		orders: (n: string | number) => `Orders (${n})`,
		payments: (n: string | number) => `Payments (${n})`,
		tickets: (n: string | number) => `Tickets (${n})`,
		noOrders: 'No cached orders.',
		noPayments: 'No cached payments.',
		noTickets: 'No cached tickets.',
		newest: (n: number) => `The newest ${n}.`,
		seeAll: (n: string) => `See all ${n} orders`
	}
};

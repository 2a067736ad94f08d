/**
 * Every screen of the app, in navigation order. This one table drives the
 * sidebar, the routes (src/routes/[...path]) and the page placeholders.
 * Summaries say, in plain English, what each screen does (docs: PRODUCT.md).
 */
import type { IconName } from './icons';

export type ScreenGroup = 'main' | 'reports' | 'settings';

export interface Screen {
	/** Route path, also the link target: '/', '/orders', '/reports/top-spenders'... */
	readonly path: `/${string}`;
	readonly title: string;
	readonly group: ScreenGroup;
	/** One sentence: what the screen will do. */
	readonly summary: string;
	/** Top-level screens carry an icon in the sidebar. */
	readonly icon?: IconName;
	/** False while the screen is still a placeholder. */
	readonly built: boolean;
}

export interface NavGroup {
	readonly id: ScreenGroup;
	/** Heading shown above the group's links; null for the top-level links. */
	readonly label: string | null;
	readonly icon?: IconName;
}

export const NAV_GROUPS: readonly NavGroup[] = [
	{ id: 'main', label: null },
	{ id: 'reports', label: 'Reports', icon: 'reports' },
	{ id: 'settings', label: 'Settings', icon: 'settings' }
];

export const SCREENS: readonly Screen[] = [
	{
		path: '/',
		title: 'Dashboard',
		group: 'main',
		icon: 'dashboard',
		built: true,
		summary:
			'Totals of orders, tickets, users and payments for each panel and overall, the sync status, any critical services, and the open tickets that have waited longest.'
	},
	{
		path: '/orders',
		title: 'Orders',
		group: 'main',
		icon: 'orders',
		built: true,
		summary:
			'Search and filter the orders of every panel, and resend, cancel, change the status of, set partial or edit the link of an order on its panel.'
	},
	{
		path: '/tickets',
		title: 'Tickets',
		group: 'main',
		icon: 'tickets',
		built: true,
		summary:
			'Read and answer support tickets with templates and AI drafts, see the orders a ticket mentions, and close, reopen or assign it.'
	},
	{
		path: '/users',
		title: 'Users',
		group: 'main',
		icon: 'users',
		built: true,
		summary:
			"Look up customers across panels with their balance, spending and status, and open one to see their orders, payments, tickets and private notes."
	},
	{
		path: '/payments',
		title: 'Payments',
		group: 'main',
		icon: 'payments',
		built: true,
		summary:
			"Browse payments across panels and add a payment to a user, checked against the payment method's limits and confirmed before it is sent."
	},
	{
		path: '/services',
		title: 'Services',
		group: 'main',
		icon: 'services',
		built: true,
		summary:
			"See each panel's services with their rates and limits, refresh them from the panel, and import service descriptions from a CSV or Excel file."
	},

	{
		path: '/reports/service-health',
		title: 'Service health',
		group: 'reports',
		built: false,
		summary:
			'Score every service by its stuck and slow orders over a time window, so the services that are failing stand out.'
	},
	{
		path: '/reports/top-spenders',
		title: 'Top spenders',
		group: 'reports',
		built: false,
		summary:
			'Rank customers by what they spent and paid in a time window, with their lifetime spend, their favourite services and a badge for new sign-ups.'
	},
	{
		path: '/reports/flagged-replies',
		title: 'Flagged replies',
		group: 'reports',
		built: false,
		summary:
			'Find staff replies that were too short, too quick, or left the customer writing again, grouped by staff member and by service.'
	},
	{
		path: '/reports/staff-statistics',
		title: 'Staff statistics',
		group: 'reports',
		built: false,
		summary:
			'How many tickets each staff member answered in a time window, and how long customers waited for their replies on average.'
	},
	{
		path: '/reports/reported-services',
		title: 'Reported services',
		group: 'reports',
		built: false,
		summary:
			'Services reported as having a problem, with the reason, who reported them, when, and whether the problem has been resolved.'
	},
	{
		path: '/reports/activity-log',
		title: 'Activity log',
		group: 'reports',
		built: false,
		summary:
			'Every action taken in the app (replies, payments, order actions, settings and key changes, exports) with when, who, the details and the device.'
	},
	{
		path: '/reports/competitors',
		title: 'Competitors',
		group: 'reports',
		built: false,
		summary:
			"Watch rival panels' public service lists and see their new services, removed services and price changes between checks."
	},

	{
		path: '/settings/panels',
		title: 'Panels',
		group: 'settings',
		built: true,
		summary:
			'Add and edit the Perfect Panel installations Paneldesk works with: address, API keys, your staff name there, request rate and connection status.'
	},
	{
		path: '/settings/staff-directory',
		title: 'Staff directory',
		group: 'settings',
		built: false,
		summary:
			'The staff names used on each panel and who they belong to, so that replies and reports are attributed to the right person.'
	},
	{
		path: '/settings/sync-engine',
		title: 'Sync engine',
		group: 'settings',
		built: true,
		summary:
			"How often each panel's orders, users, payments, tickets and services are fetched, how long finished data is kept, and how each sync is doing."
	},
	{
		path: '/settings/templates',
		title: 'Templates',
		group: 'settings',
		built: false,
		summary: 'Saved replies to insert when answering tickets.'
	},
	{
		path: '/settings/ai-presets',
		title: 'AI presets',
		group: 'settings',
		built: false,
		summary:
			'Named ways to draft a ticket reply with AI (provider, model and instructions), whose drafts you edit before sending.'
	},
	{
		path: '/settings/ai',
		title: 'AI settings',
		group: 'settings',
		built: false,
		summary:
			'Keys for the AI providers, the language that messages are translated into, and the prompt used to analyse a ticket.'
	},
	{
		path: '/settings/payment-methods',
		title: 'Payment methods',
		group: 'settings',
		built: false,
		summary:
			'The methods you can add payments with: the exact name the panel expects, the name shown to you, and the smallest and largest amount allowed.'
	},
	{
		path: '/settings/local-api-keys',
		title: 'Local API keys',
		group: 'settings',
		built: false,
		summary:
			'Keys for the optional local API that lets other tools on this computer read the cached data, each limited to chosen resources and panels.'
	},
	{
		path: '/settings/profile',
		title: 'My profile & app lock',
		group: 'settings',
		built: false,
		summary: 'Your operator name, and a password lock that keeps the app closed to others when you step away.'
	},
	{
		path: '/settings/updates',
		title: 'Updates',
		group: 'settings',
		built: false,
		summary: 'Check for new versions of Paneldesk and install them; only updates signed by the publisher are accepted.'
	}
];

export const DASHBOARD: Screen = SCREENS[0];

/** The screen whose route is exactly `path` (a trailing slash is ignored). */
export function screenByPath(path: string): Screen | undefined {
	const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
	return SCREENS.find((screen) => screen.path === normalized);
}

export function screensInGroup(group: ScreenGroup): Screen[] {
	return SCREENS.filter((screen) => screen.group === group);
}

export function groupOf(screen: Screen): NavGroup {
	const group = NAV_GROUPS.find((g) => g.id === screen.group);
	if (!group) throw new Error(`screen ${screen.path} has unknown group ${screen.group}`);
	return group;
}

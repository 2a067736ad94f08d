/**
 * Every screen of the app, in navigation order. This one table drives the
 * sidebar, the routes (src/routes/[...path]) and the page placeholders.
 * Summaries say, in plain English, what each screen does (docs: PRODUCT.md);
 * titles and summaries live in the message catalog (t.screens).
 */
import type { IconName } from './icons';
import { t } from './messages';

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
}

export interface NavGroup {
	readonly id: ScreenGroup;
	/** Heading shown above the group's links; null for the top-level links. */
	readonly label: string | null;
	readonly icon?: IconName;
}

export const NAV_GROUPS: readonly NavGroup[] = [
	{ id: 'main', label: null },
	{ id: 'reports', label: t.navGroups.reports, icon: 'reports' },
	{ id: 'settings', label: t.navGroups.settings, icon: 'settings' }
];

export const SCREENS: readonly Screen[] = [
	{
		path: '/',
		title: t.screens.dashboard.title,
		group: 'main',
		icon: 'dashboard',
		summary: t.screens.dashboard.summary
	},
	{
		path: '/orders',
		title: t.screens.orders.title,
		group: 'main',
		icon: 'orders',
		summary: t.screens.orders.summary
	},
	{
		path: '/tickets',
		title: t.screens.tickets.title,
		group: 'main',
		icon: 'tickets',
		summary: t.screens.tickets.summary
	},
	{
		path: '/outbox',
		title: t.screens.outbox.title,
		group: 'main',
		icon: 'outbox',
		summary: t.screens.outbox.summary
	},
	{
		path: '/users',
		title: t.screens.users.title,
		group: 'main',
		icon: 'users',
		summary: t.screens.users.summary
	},
	{
		path: '/payments',
		title: t.screens.payments.title,
		group: 'main',
		icon: 'payments',
		summary: t.screens.payments.summary
	},
	{
		path: '/services',
		title: t.screens.services.title,
		group: 'main',
		icon: 'services',
		summary: t.screens.services.summary
	},

	{
		path: '/reports/service-health',
		title: t.screens.serviceHealth.title,
		group: 'reports',
		summary: t.screens.serviceHealth.summary
	},
	{
		path: '/reports/top-spenders',
		title: t.screens.topSpenders.title,
		group: 'reports',
		summary: t.screens.topSpenders.summary
	},
	{
		path: '/reports/flagged-replies',
		title: t.screens.flaggedReplies.title,
		group: 'reports',
		summary: t.screens.flaggedReplies.summary
	},
	{
		path: '/reports/staff-statistics',
		title: t.screens.staffStatistics.title,
		group: 'reports',
		summary: t.screens.staffStatistics.summary
	},
	{
		path: '/reports/reported-services',
		title: t.screens.reportedServices.title,
		group: 'reports',
		summary: t.screens.reportedServices.summary
	},
	{
		path: '/reports/activity-log',
		title: t.screens.activityLog.title,
		group: 'reports',
		summary: t.screens.activityLog.summary
	},
	{
		path: '/reports/competitors',
		title: t.screens.competitors.title,
		group: 'reports',
		summary: t.screens.competitors.summary
	},

	{
		path: '/settings/panels',
		title: t.screens.panels.title,
		group: 'settings',
		summary: t.screens.panels.summary
	},
	{
		path: '/settings/staff-directory',
		title: t.screens.staffDirectory.title,
		group: 'settings',
		summary: t.screens.staffDirectory.summary
	},
	{
		path: '/settings/sync-engine',
		title: t.screens.syncEngine.title,
		group: 'settings',
		summary: t.screens.syncEngine.summary
	},
	{
		path: '/settings/templates',
		title: t.screens.templates.title,
		group: 'settings',
		summary: t.screens.templates.summary
	},
	{
		path: '/settings/ai-presets',
		title: t.screens.aiPresets.title,
		group: 'settings',
		summary: t.screens.aiPresets.summary
	},
	{
		path: '/settings/ai',
		title: t.screens.aiSettings.title,
		group: 'settings',
		summary: t.screens.aiSettings.summary
	},
	{
		path: '/settings/payment-methods',
		title: t.screens.paymentMethods.title,
		group: 'settings',
		summary: t.screens.paymentMethods.summary
	},
	{
		path: '/settings/local-api-keys',
		title: t.screens.localApiKeys.title,
		group: 'settings',
		summary: t.screens.localApiKeys.summary
	},
	{
		path: '/settings/profile',
		title: t.screens.profile.title,
		group: 'settings',
		summary: t.screens.profile.summary
	},
	{
		path: '/settings/notifications',
		title: t.screens.notifications.title,
		group: 'settings',
		summary: t.screens.notifications.summary
	},
	{
		path: '/settings/backup',
		title: t.screens.backup.title,
		group: 'settings',
		summary: t.screens.backup.summary
	},
	{
		path: '/settings/diagnostics',
		title: t.screens.diagnostics.title,
		group: 'settings',
		summary: t.screens.diagnostics.summary
	},
	{
		path: '/settings/updates',
		title: t.screens.updates.title,
		group: 'settings',
		summary: t.screens.updates.summary
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

/**
 * Where a record opens: its table with its detail pane (?panel=P&open=ID).
 * The palette, the dashboard and the detail panes link through here.
 */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

export type RecordKind = 'order' | 'user' | 'ticket' | 'payment';

const TABLES = {
	order: '/orders',
	user: '/users',
	ticket: '/tickets',
	payment: '/payments'
} as const;

export function recordLink(kind: RecordKind, panelId: number, id: number): ResolvedPathname {
	return `${resolve(TABLES[kind])}?panel=${panelId}&open=${id}` as ResolvedPathname;
}

/** The Orders screen searching for a customer: a whole username is their orders. */
export function ordersOf(username: string): ResolvedPathname {
	return `${resolve('/orders')}?q=${encodeURIComponent(username)}` as ResolvedPathname;
}

/** The Orders screen filtered to a service (service health's "open its orders"). */
export function ordersOfService(serviceId: number): ResolvedPathname {
	return `${resolve('/orders')}?service=${serviceId}` as ResolvedPathname;
}

/** The current screen with another query: opening or closing its detail pane. */
export function sameScreen(pathname: string, query = ''): ResolvedPathname {
	return `${pathname}${query}` as ResolvedPathname;
}

/** The screens the app menu opens (its `MenuScreen`), by the menu's name. */
const MENU_SCREENS = {
	dashboard: '/',
	orders: '/orders',
	tickets: '/tickets',
	outbox: '/outbox',
	users: '/users',
	payments: '/payments',
	services: '/services',
	sync_engine: '/settings/sync-engine',
	diagnostics: '/settings/diagnostics'
} as const;

export function menuScreen(screen: keyof typeof MENU_SCREENS): ResolvedPathname {
	return resolve(MENU_SCREENS[screen]);
}

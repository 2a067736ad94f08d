import { describe, expect, it } from 'vitest';
import { load } from '../routes/[...path]/+page';
import { NAV_GROUPS, SCREENS, screenByPath, screensInGroup } from './screens';

// The screens PRODUCT.md promises, in navigation order, and the reply outbox
// the Tickets issue made visible.
const EXPECTED = {
	main: ['Dashboard', 'Orders', 'Tickets', 'Outbox', 'Users', 'Payments', 'Services'],
	reports: [
		'Service health',
		'Top spenders',
		'Flagged replies',
		'Staff statistics',
		'Reported services',
		'Activity log',
		'Competitors'
	],
	settings: [
		'Panels',
		'Staff directory',
		'Sync engine',
		'Templates',
		'AI presets',
		'AI settings',
		'Payment methods',
		'Local API keys',
		'My profile & app lock',
		'Notifications',
		'Backup',
		'Diagnostics',
		'Updates'
	]
};

type LoadEvent = Parameters<typeof load>[0];

function runLoad(path: string) {
	return load({ params: { path } } as unknown as LoadEvent);
}

describe('screens table', () => {
	it('has every screen of the product, in order, in its group', () => {
		for (const group of NAV_GROUPS) {
			expect(screensInGroup(group.id).map((s) => s.title)).toEqual(EXPECTED[group.id]);
		}
		expect(SCREENS).toHaveLength(27);
	});

	it('gives each screen a unique path under its group and a one-sentence summary', () => {
		expect(new Set(SCREENS.map((s) => s.path)).size).toBe(SCREENS.length);
		for (const screen of SCREENS) {
			if (screen.group === 'main') expect(screen.path).toMatch(/^\/[a-z-]*$/);
			else expect(screen.path).toMatch(new RegExp(`^/${screen.group}/[a-z-]+$`));
			expect(screen.summary).toMatch(/^[A-Z].{30,}\.$/);
			expect(screen.summary.trim().split(/(?<=\.)\s+(?=[A-Z])/)).toHaveLength(1);
		}
	});

	it('finds screens by path, ignoring a trailing slash', () => {
		expect(screenByPath('/')?.title).toBe('Dashboard');
		expect(screenByPath('/orders')?.title).toBe('Orders');
		expect(screenByPath('/reports/top-spenders/')?.title).toBe('Top spenders');
		expect(screenByPath('/nope')).toBeUndefined();
		expect(screenByPath('/reports')).toBeUndefined();
	});
});

describe('screen route', () => {
	it('loads the table entry for every screen but the dashboard', () => {
		for (const screen of SCREENS.filter((s) => s.path !== '/')) {
			expect(runLoad(screen.path.slice(1))).toEqual({ screen });
		}
	});

	it('answers 404 for a path that is not a screen', () => {
		expect(() => runLoad('reports/nope')).toThrow(
			expect.objectContaining({ status: 404 }) as unknown as Error
		);
	});
});

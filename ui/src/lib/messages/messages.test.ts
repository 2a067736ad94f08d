import { describe, expect, it } from 'vitest';
import { counted } from '$lib/format';
import { en } from './en';
import { t, type Messages } from './index';

/** Every leaf of a catalog with its dotted path: strings and message functions. */
function leaves(node: unknown, path = ''): [string, unknown][] {
	if (typeof node === 'string' || typeof node === 'function') return [[path, node]];
	if (typeof node === 'object' && node !== null) {
		return Object.entries(node).flatMap(([key, value]) => leaves(value, path ? `${path}.${key}` : key));
	}
	return [[path, node]];
}

describe('message catalog', () => {
	it('is English for now, through t', () => {
		const active: Messages = t;
		expect(active).toBe(en);
	});

	it('has only non-empty strings and functions as leaves', () => {
		const all = leaves(en);
		expect(all.length).toBeGreaterThan(300);
		const bad = all.filter(([, v]) => !(typeof v === 'function' || (typeof v === 'string' && v.trim() !== '')));
		expect(bad.map(([path]) => path)).toEqual([]);
		// Leading or trailing spaces are deliberate only where text joins markup.
		const padded = all.filter(([, v]) => typeof v === 'string' && v !== v.trim()).map(([path]) => path);
		expect(padded).toEqual(['panels.empty.before']);
	});

	it('formats the values of its function messages', () => {
		expect(t.panels.removedNotice('Main')).toBe('"Main" was removed, with its cached data.');
		expect(t.dashboard.critical(1)).toBe('1 critical service');
		expect(t.dashboard.critical(3)).toBe('3 critical services');
		expect(t.panelForm.adminKeyKeep('a1b2')).toBe('Leave empty to keep the stored key (•••• a1b2).');
		expect(t.panelForm.adminKeyKeep(null)).toBe('Leave empty to keep the stored key.');
		expect(t.panelForm.connected('1,200', '30', null)).toBe('Connected: 1,200 orders, 30 users visible');
		expect(t.panelForm.connected('1,200', '30', '4')).toBe('Connected: 1,200 orders, 30 users visible, 4 services');
		expect(t.table.countFiltered(counted(1, t.nouns.order), 1)).toBe('1 order matches the filters');
		expect(t.table.countFiltered(counted(2, t.nouns.order), 2)).toBe('2 orders match the filters');
		expect(t.table.noMatches(t.nouns.ticket)).toBe('No tickets match these filters.');
		expect(t.app.pageTitle(t.screens.orders.title)).toBe('Orders · Paneldesk');
	});
});

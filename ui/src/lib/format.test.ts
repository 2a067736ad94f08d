import { describe, expect, it } from 'vitest';
import { formatsFor } from './format';

// Noon UTC, so the day is the same in every test machine's time zone.
const NOON = Date.UTC(2026, 11, 1, 12, 0);

describe('formatsFor', () => {
	it('writes numbers and dates the way the OS locale does', () => {
		const us = formatsFor('en-US');
		expect(us.count.format(12345)).toBe('12,345');
		expect(us.cents.format(1.25)).toBe('1.25');
		expect(us.fine.format(0.00125)).toBe('0.00125');
		expect(us.date.format(NOON)).toBe('12/1/26');
		const tr = formatsFor('tr-TR');
		expect(tr.count.format(12345)).toBe('12.345');
		expect(tr.cents.format(12345.5)).toBe('12.345,50');
		expect(tr.date.format(NOON)).toBe('1.12.2026');
		const de = formatsFor('de-DE');
		expect(de.count.format(12345)).toBe('12.345');
		expect(de.date.format(NOON)).toBe('01.12.26');
	});
});

describe('settleNavigatorLanguage', () => {
	it('replaces a language Intl refuses, and keeps a good one', async () => {
		const { settleNavigatorLanguage } = await import('./format');
		const original = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(navigator), 'language');
		Object.defineProperty(navigator, 'language', { value: 'C', configurable: true });
		settleNavigatorLanguage();
		expect(() => new Intl.NumberFormat(navigator.language)).not.toThrow();
		expect(navigator.language).not.toBe('C');
		Object.defineProperty(navigator, 'language', { value: 'tr-TR', configurable: true });
		settleNavigatorLanguage();
		expect(navigator.language).toBe('tr-TR');
		delete (navigator as unknown as Record<string, unknown>).language;
		if (original) expect(navigator.language).toBeTruthy();
	});
});

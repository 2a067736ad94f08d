/**
 * How values look on screen: money from micro-units, times in local time,
 * ages ("3 h"), counts. Every screen formats through here, in the OS locale
 * (the webview's language): 12,345 and 12/1/26, 2:05 PM in the US,
 * 12.345 and 1.12.2026 14:05 in Turkey. The words ("ago", units) come from
 * the message catalog.
 */
import { t, type Noun } from './messages';

/** The OS locale, as the webview reports it; en-US where it has none the
 * formatter knows (a bare "C" locale, say). */
const LOCALE: string = (() => {
	const asked = typeof navigator !== 'undefined' ? navigator.language : '';
	try {
		return asked && Intl.NumberFormat.supportedLocalesOf(asked).length > 0 ? asked : 'en-US';
	} catch {
		return 'en-US';
	}
})();

/**
 * Makes `navigator.language` the locale the screens use when the webview's
 * own is not one `Intl` takes (a bare "C"): libraries that read it (the
 * charts' uPlot builds an `Intl.NumberFormat` from it when loaded) would
 * otherwise throw.
 */
export function settleNavigatorLanguage(): void {
	if (typeof navigator === 'undefined' || navigator.language === LOCALE) return;
	try {
		Intl.NumberFormat.supportedLocalesOf(navigator.language);
	} catch {
		Object.defineProperty(navigator, 'language', { value: LOCALE, configurable: true });
	}
}

/** The formatters of a locale; the screens use the OS locale's. */
export function formatsFor(locale: string) {
	return {
		count: new Intl.NumberFormat(locale),
		// Money: cents, or up to 5 decimals for amounts under a cent.
		cents: new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
		fine: new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 5 }),
		dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }),
		date: new Intl.DateTimeFormat(locale, { dateStyle: 'short' })
	};
}

const FORMATS = formatsFor(LOCALE);

const SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', TRY: '₺', RUB: '₽', INR: '₹' };

/** 1_250_000 micro-units of USD -> "$1.25"; small amounts keep up to 5 decimals. */
export function money(micros: number | null | undefined, currency?: string | null): string {
	if (micros === null || micros === undefined) return '—';
	const value = micros / 1_000_000;
	const abs = Math.abs(value);
	// Formatters made once: a table formats hundreds of cells a page.
	const text = (abs !== 0 && abs < 0.01 ? FORMATS.fine : FORMATS.cents).format(abs);
	const code = currency ?? '';
	const symbol = SYMBOLS[code];
	const sign = value < 0 ? '−' : '';
	if (symbol) return `${sign}${symbol}${text}`;
	return code ? `${sign}${text} ${code}` : `${sign}${text}`;
}

/** 12345 -> "12,345" (in the US). */
export function count(n: number | null | undefined): string {
	if (n === null || n === undefined) return '—';
	return FORMATS.count.format(n);
}

/** Unix seconds -> "12/1/26, 2:05 PM" (in the US), in local time. */
export function dateTime(unix: number | null | undefined): string {
	return unix ? FORMATS.dateTime.format(new Date(unix * 1000)) : '—';
}

/** Unix seconds -> "12/1/26" (in the US), in local time. */
export function date(unix: number | null | undefined): string {
	return unix ? FORMATS.date.format(new Date(unix * 1000)) : '—';
}

/** A span of seconds -> "45 s", "12 min", "3 h", "2 d". */
export function span(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	if (s < 60) return t.format.seconds(s);
	if (s < 3600) return t.format.minutes(Math.floor(s / 60));
	if (s < 86_400 * 2) return t.format.hours(Math.floor(s / 3600));
	return t.format.days(Math.floor(s / 86_400));
}

/** "12 min ago", "just now", or "never". */
export function ago(unix: number | null | undefined, now: number = Date.now() / 1000): string {
	if (!unix) return t.format.never;
	const s = now - unix;
	if (s < 30) return t.format.justNow;
	return t.format.ago(span(s));
}

/** The seed's ticket column: "waiting 3 h", or "" when nobody waits. */
export function waiting(since: number | null | undefined, now: number = Date.now() / 1000): string {
	return since ? t.format.waiting(span(now - since)) : '';
}

/** "in_progress" -> "In progress"; the catalog's `valueLabels` name the exceptions ("api" -> "API"). */
export function label(value: string | null | undefined): string {
	if (!value) return '—';
	const key = value.toLowerCase();
	if (Object.hasOwn(t.format.valueLabels, key)) return t.format.valueLabels[key];
	const text = value.replace(/_/g, ' ');
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Unix seconds -> a date input's value, "2026-12-01", in local time (the
 * input's own format, whatever the locale). */
export function dayValue(unix: number): string {
	const d = new Date(unix * 1000);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A local date input's value ("2026-12-01") -> unix seconds at local midnight. */
export function dayStart(value: string): number | null {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
	const [y, m, d] = value.split('-').map(Number);
	return Math.floor(new Date(y, m - 1, d).getTime() / 1000);
}

/** 1 -> "1 order", 3 -> "3 orders", with the catalog's noun: `counted(3, t.nouns.order)`. */
export function counted(n: number, noun: Noun): string {
	return `${count(n)} ${n === 1 ? noun.one : noun.other}`;
}

/** Every local day from the first to the last of `days` ("2026-12-01"...),
 * sorted, with the days between: a chart's x axis. Noon to noon, a day at a
 * time, so a DST hour never skips or repeats a date. */
export function dayAxis(days: string[]): string[] {
	if (days.length === 0) return [];
	const sorted = [...new Set(days)].sort();
	const axis: string[] = [];
	const last = Date.parse(`${sorted[sorted.length - 1]}T12:00:00`);
	for (let ts = Date.parse(`${sorted[0]}T12:00:00`); ts <= last; ts += 86_400_000) {
		axis.push(dayValue(ts / 1000));
	}
	return axis;
}

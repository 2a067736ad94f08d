/**
 * The guard of the message catalog: no component writes English of its own.
 * Every .svelte file's markup is parsed and these are refused:
 *   - text between tags with a word in it: `<h2>Panels</h2>`;
 *   - a text attribute or prop with a word in its literal part:
 *     `placeholder="My panel"`, `aria-label="{name} from"`;
 *   - a quoted word a markup expression shows: `{busy ? 'Saving…' : 'Save'}`,
 *     `placeholder={x ? 'Stored' : 'Paste the key'}`;
 *   - in the scripts, such a property of an object: `{ label: 'Status' }`
 *     (table columns, filter controls).
 * Codes compared or passed along (`{kind === 'test' ? ...}`,
 * `recordLink('user', ...)`, `aria-current={x ? 'page' : undefined}`) are not
 * text and pass. Put the words in src/lib/messages/en.ts and use `t.xxx`.
 */
import { parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

const SOURCES: Record<string, string> = {
	...import.meta.glob('../components/**/*.svelte', { query: '?raw', import: 'default', eager: true }),
	...import.meta.glob('../../routes/**/*.svelte', { query: '?raw', import: 'default', eager: true })
};

/** Attributes and props whose value is shown or read out to the operator. */
const TEXT_ATTRIBUTES = new Set([
	'alt',
	'aria-description',
	'aria-label',
	'aria-placeholder',
	'aria-roledescription',
	'aria-valuetext',
	'empty',
	'label',
	'noun',
	'placeholder',
	'subtitle',
	'summary',
	'title'
]);

/** Two letters in a row: a word, not "P", "#", "—" or "·". */
const WORD = /\p{L}{2,}/u;

type Node = { type?: string; [key: string]: unknown };

/** The literal strings an expression can show as it is (not those it compares or passes on). */
function shown(expr: Node | null | undefined): string[] {
	if (!expr) return [];
	switch (expr.type) {
		case 'Literal':
			return typeof expr.value === 'string' ? [expr.value] : [];
		case 'TemplateLiteral':
			return (expr.quasis as { value: { cooked: string } }[]).map((q) => q.value.cooked);
		case 'ConditionalExpression':
			return [...shown(expr.consequent as Node), ...shown(expr.alternate as Node)];
		case 'LogicalExpression':
			return expr.operator === '&&'
				? shown(expr.right as Node)
				: [...shown(expr.left as Node), ...shown(expr.right as Node)];
		default:
			return [];
	}
}

function offenders(source: string): string[] {
	const found: string[] = [];
	const line = (node: Node) => source.slice(0, node.start as number).split('\n').length;
	const report = (node: Node, what: string) => found.push(`line ${line(node)}: ${what.trim().replace(/\s+/g, ' ')}`);

	function attribute(attr: Node) {
		if (!TEXT_ATTRIBUTES.has(attr.name as string) || attr.value === true) return;
		const parts = (Array.isArray(attr.value) ? attr.value : [attr.value]) as Node[];
		for (const part of parts) {
			if (part.type === 'Text' && WORD.test(part.data as string)) report(part, `${attr.name}="${part.data}"`);
			if (part.type === 'ExpressionTag') {
				for (const text of shown(part.expression as Node)) {
					if (WORD.test(text)) report(part, `${attr.name}={'${text}'}`);
				}
			}
		}
	}

	function walk(node: unknown) {
		if (Array.isArray(node)) return node.forEach(walk);
		if (typeof node !== 'object' || node === null) return;
		const n = node as Node;
		if (n.type === 'Attribute') return attribute(n);
		// style:, class:, bind:, on:... carry values, never text.
		if (n.type?.endsWith('Directive')) return;
		if (n.type === 'Text' && WORD.test(n.data as string)) report(n, n.data as string);
		if (n.type === 'ExpressionTag') {
			for (const text of shown(n.expression as Node)) if (WORD.test(text)) report(n, `{'${text}'}`);
			return;
		}
		// Markup only: scripts and styles are not in the fragment; expressions
		// of blocks and directives hold no Text nodes.
		for (const [key, value] of Object.entries(n)) {
			if (key !== 'metadata' && key !== 'parent') walk(value);
		}
	}

	/** In the scripts: `{ label: 'Status', placeholder: 'Order ID' }`. */
	function script(node: unknown) {
		if (Array.isArray(node)) return node.forEach(script);
		if (typeof node !== 'object' || node === null) return;
		const n = node as Node;
		const key = n.key as Node | undefined;
		const name = key?.type === 'Identifier' ? key.name : key?.value;
		if (n.type === 'Property' && TEXT_ATTRIBUTES.has(name as string)) {
			for (const text of shown(n.value as Node)) if (WORD.test(text)) report(n, `${name}: '${text}'`);
		}
		for (const [k, value] of Object.entries(n)) if (k !== 'metadata' && k !== 'parent') script(value);
	}

	const root = parse(source, { modern: true });
	walk(root.fragment);
	script([root.module?.content, root.instance?.content]);
	return found;
}

describe('components write no text of their own', () => {
	it('finds the Svelte files', () => {
		expect(Object.keys(SOURCES).length).toBeGreaterThan(20);
	});

	it('catches text in markup, text attributes and shown literals', () => {
		const source = `<script>let x = $state(false); const c = [{ key: 'id', label: 'ID' }, { label: x ? 'A' : 'Status' }];</script>
<h2>Panels</h2>
<input placeholder="My panel" aria-label="{x} from" />
<p>{x ? 'Saving…' : 'Save'}</p>
<span aria-current={x ? 'page' : undefined} class="a b" style:width="{x}px">{x === 'test' ? '—' : '#'} P</span>
<style>p { color: red; }</style>`;
		expect(offenders(source)).toEqual([
			'line 2: Panels',
			'line 3: placeholder="My panel"',
			'line 3: aria-label=" from"',
			"line 4: {'Saving…'}",
			"line 4: {'Save'}",
			"line 1: label: 'ID'",
			"line 1: label: 'Status'"
		]);
	});

	it.each(Object.keys(SOURCES))('%s takes its text from the message catalog', (file) => {
		expect(offenders(SOURCES[file])).toEqual([]);
	});
});

import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { goto } from '$app/navigation';
import { createMockBackend, type MockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import CommandPalette from './CommandPalette.svelte';

vi.mock('$app/navigation', () => ({ goto: vi.fn(async () => {}) }));

const PAUSE_MS = 120;

function renderPalette(backend: MockBackend = createMockBackend()) {
	const onclose = vi.fn();
	render(CommandPalette, { props: { onclose }, context: testContext(backend).context });
	return { onclose, backend, input: screen.getByTestId('palette-input') as HTMLInputElement };
}

const searches = (backend: MockBackend) =>
	backend.calls.filter((c) => c.method === 'search').map((c) => c.args[0]);
const hitTitles = () =>
	screen.queryAllByTestId('palette-hit').map((h) => h.querySelector('.title')?.textContent);

describe('CommandPalette', () => {
	// Only the typing pause is faked: no test waits for it in real time.
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		vi.mocked(goto).mockClear();
	});
	afterEach(() => {
		vi.useRealTimers();
	});
	const setup = () => userEvent.setup({ advanceTimers: vi.advanceTimersByTime });

	it('searches after the typing pause and shows the users found', async () => {
		const user = setup();
		const { backend, input } = renderPalette();
		await vi.waitFor(() => expect(document.activeElement).toBe(input));

		await user.type(input, 'user1');
		expect(searches(backend)).toEqual([]);
		vi.advanceTimersByTime(PAUSE_MS);
		await vi.waitFor(() => expect(hitTitles()).toEqual(['user1', 'user10', 'user11', 'user12']));
		expect(searches(backend)).toEqual(['user1']);
		const hits = screen.getAllByTestId('palette-hit');
		expect(hits.every((h) => h.dataset.kind === 'user')).toBe(true);
		expect(hits[0].getAttribute('aria-selected')).toBe('true');
	});

	it('on Enter during a slow search, goes to that search\'s hit, not the previous one', async () => {
		const user = setup();
		const backend = createMockBackend();
		const { input } = renderPalette(backend);
		await user.type(input, 'user1');
		vi.advanceTimersByTime(PAUSE_MS);
		await vi.waitFor(() => expect(hitTitles()).toHaveLength(4));

		// The next search answers only when released.
		let release: () => void = () => {};
		const search = backend.search;
		backend.search = (q) => new Promise((resolve) => (release = () => resolve(search(q))));
		await user.type(input, '{Backspace}{Backspace}{Backspace}{Backspace}{Backspace}100003');
		vi.advanceTimersByTime(PAUSE_MS);
		const enter = user.keyboard('{Enter}');
		release();
		await enter;
		await vi.waitFor(() => expect(goto).toHaveBeenCalledWith('/orders?panel=1&open=100003'));
		expect(goto).toHaveBeenCalledTimes(1);
	});

	it('goes to the hit chosen with ArrowDown on Enter', async () => {
		const user = setup();
		const { input, onclose } = renderPalette();
		await user.type(input, 'user1');
		vi.advanceTimersByTime(PAUSE_MS);
		await vi.waitFor(() => expect(hitTitles()).toHaveLength(4));

		await user.keyboard('{ArrowDown}');
		expect(screen.getAllByTestId('palette-hit')[1].getAttribute('aria-selected')).toBe('true');
		expect(input.getAttribute('aria-activedescendant')).toBe('palette-hit-1');
		await user.keyboard('{Enter}');
		await vi.waitFor(() => expect(goto).toHaveBeenCalledTimes(1));
		expect(goto).toHaveBeenCalledWith('/users?panel=1&open=10');
		expect(onclose).toHaveBeenCalledTimes(1);
	});

	it('keeps the chosen hit on Enter: the search already ran is not run again', async () => {
		const user = setup();
		const { backend, input } = renderPalette();
		await user.type(input, 'user1');
		vi.advanceTimersByTime(PAUSE_MS);
		await vi.waitFor(() => expect(hitTitles()).toHaveLength(4));
		await user.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}{ArrowDown}{ArrowDown}{ArrowDown}{ArrowDown}{Enter}');
		await vi.waitFor(() => expect(goto).toHaveBeenCalledTimes(1));
		// Past the last hit, the arrows stop at it.
		expect(goto).toHaveBeenCalledWith('/users?panel=1&open=12');
		expect(searches(backend)).toEqual(['user1']);
	});

	it('on Enter right after typing, searches first and then goes to the best hit', async () => {
		const user = setup();
		const { backend, input, onclose } = renderPalette();
		await user.type(input, '100007{Enter}');
		await vi.waitFor(() => expect(goto).toHaveBeenCalledTimes(1));
		expect(goto).toHaveBeenCalledWith('/orders?panel=1&open=100007');
		expect(searches(backend)).toEqual(['100007']);
		expect(onclose).toHaveBeenCalledTimes(1);

		// The pending pause was dropped: no second search later.
		vi.advanceTimersByTime(1000);
		expect(searches(backend)).toEqual(['100007']);
	});

	it('says when nothing in the cache matches', async () => {
		const user = setup();
		const { input } = renderPalette();
		await user.type(input, ' nobody ');
		vi.advanceTimersByTime(PAUSE_MS);
		const empty = await vi.waitFor(() => screen.getByTestId('palette-empty'));
		expect(empty.textContent).toBe('Nothing in the cache matches “nobody”.');

		// Enter with no hit goes nowhere.
		await user.keyboard('{Enter}');
		expect(goto).not.toHaveBeenCalled();
	});

	it('shows a failed search', async () => {
		const user = setup();
		const { input } = renderPalette(
			createMockBackend({ failWith: { search: { code: 'database', message: 'The cache is locked.', fix: null } } })
		);
		await user.type(input, 'user1');
		vi.advanceTimersByTime(PAUSE_MS);
		const alert = await vi.waitFor(() => screen.getByRole('alert'));
		expect(alert.textContent).toBe('The cache is locked.');
	});

	it('closes with Esc without going anywhere', async () => {
		const user = setup();
		const { input, onclose } = renderPalette();
		await user.type(input, 'user1');
		await user.keyboard('{Escape}');
		expect(onclose).toHaveBeenCalledTimes(1);
		expect(goto).not.toHaveBeenCalled();
	});
});

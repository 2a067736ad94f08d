import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '$lib/backend';
import { createMockBackend, MOCK_NOW } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import OutboxScreen from './OutboxScreen.svelte';

function reply(id: number, state: OutboxRow['state'], extra: Partial<OutboxRow> = {}): OutboxRow {
	return {
		id,
		operator_id: 1,
		panel_id: 1,
		panel_name: 'Main',
		ticket_id: 900 + id,
		staff_name: 'operator',
		body: `reply ${id}`,
		text: `reply ${id}`,
		seen_messages: 2,
		state,
		posts: 0,
		attempted_at: null,
		retry_at: null,
		error: null,
		created_at: MOCK_NOW,
		sent_at: null,
		...extra
	};
}

async function show(rows: OutboxRow[]) {
	const backend = createMockBackend();
	backend.data.outbox.push(...rows);
	const ctx = testContext(backend);
	await ctx.app.start();
	render(OutboxScreen, { context: ctx.context });
	await screen.findByTestId('outbox-list');
	return backend;
}

const item = (id: number) =>
	screen.getAllByTestId('outbox-item').find((el) => el.textContent?.includes(`ticket #${900 + id}`))!;

describe('OutboxScreen', () => {
	it('says what each reply waits for, with the reason it failed', async () => {
		await show([reply(1, 'queued'), reply(2, 'failed', { error: 'the panel answered with error 9: closed', posts: 1 })]);
		expect(item(1).dataset.state).toBe('queued');
		expect(item(2).textContent).toContain('Not sent: the panel answered with error 9: closed');
		// A reply already posted once is never edited, only retried or discarded.
		expect(within(item(2)).queryByTestId('outbox-edit')).toBeNull();
		expect(within(item(2)).getByTestId('outbox-send').textContent?.trim()).toBe('Retry');
	});

	it('edits a reply never sent in place, then discards another', async () => {
		const user = userEvent.setup();
		const backend = await show([reply(1, 'held', { error: '1 new message(s) since the ticket was opened' }), reply(2, 'queued')]);
		await user.click(within(item(1)).getByTestId('outbox-edit'));
		const draft = within(item(1)).getByTestId('outbox-draft') as HTMLTextAreaElement;
		await user.clear(draft);
		await user.type(draft, 'better words');
		await user.click(within(item(1)).getByTestId('outbox-save'));
		await waitFor(() => expect(backend.calls.some((c) => c.method === 'outboxEdit')).toBe(true));
		expect(backend.calls.find((c) => c.method === 'outboxEdit')?.args).toEqual([1, 'better words', 2]);
		await user.click(within(item(2)).getByTestId('outbox-discard'));
		await waitFor(() => expect(screen.getAllByTestId('outbox-item')).toHaveLength(1));
	});
});

import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createMockBackend, type MockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import UserDetail from './UserDetail.svelte';

async function renderUser(backend: MockBackend, id = 5) {
	const onclose = vi.fn();
	const ctx = testContext(backend);
	await ctx.app.start();
	render(UserDetail, { props: { panelId: 1, id, onclose }, context: ctx.context });
	return { onclose };
}

/** The value next to a label in the fields list. */
function field(label: string): string | undefined {
	const term = within(screen.getByTestId('user-fields'))
		.getAllByText(label)
		.find((el) => el.tagName === 'DT');
	return term?.nextElementSibling?.textContent?.trim();
}

const notes = () => within(screen.getByTestId('user-notes')).queryAllByRole('listitem');

describe('UserDetail', () => {
	it('shows the user’s fields, with money as money', async () => {
		await renderUser(createMockBackend());
		expect((await screen.findByTestId('user-username')).textContent).toBe('user5');
		expect(screen.getByTestId('detail-title').textContent).toBe('User #5');
		expect(field('Panel')).toBe('Main');
		expect(field('Email')).toBe('user5@mail.example');
		expect(field('Balance')).toBe('$5.00');
		expect(field('Spent')).toBe('$35.00');
		expect(field('Status')).toBe('Active');
		expect(field('Discount')).toBe('—');
	});

	it('lists the user’s orders, newest first, each linking to it', async () => {
		const backend = createMockBackend();
		await renderUser(backend);
		const list = await screen.findByTestId('user-orders');
		const mine = backend.data.orders.filter((o) => o.user === 'user5');
		expect(mine).toHaveLength(20);
		expect(screen.getByRole('heading', { name: 'Orders (20)' })).toBeTruthy();
		const items = within(list).getAllByRole('listitem');
		expect(items).toHaveLength(20);
		const newest = mine[mine.length - 1];
		expect(items[0].textContent).toContain(`#${newest.id}`);
		expect(items[0].textContent).toContain(newest.service_name);
		expect(within(items[0]).getByRole('link').getAttribute('href')).toBe(`/orders?panel=1&open=${newest.id}`);
		expect(within(screen.getByTestId('user-payments')).getAllByRole('listitem')[0].textContent).toContain('#5005');
	});

	it('adds a private note, then deletes it', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		await renderUser(backend);
		const input = (await screen.findByTestId('note-input')) as HTMLTextAreaElement;
		const add = screen.getByTestId('note-add') as HTMLButtonElement;
		expect(add.disabled).toBe(true);
		expect(notes()).toHaveLength(0);

		await user.type(input, '  Asks for refills by ticket, never by email.  ');
		expect(add.disabled).toBe(false);
		await user.click(add);

		await waitFor(() => expect(notes()).toHaveLength(1));
		expect(notes()[0].textContent).toContain('Asks for refills by ticket, never by email.');
		const added = backend.calls.filter((c) => c.method === 'noteAdd');
		expect(added).toHaveLength(1);
		expect(added[0].args).toEqual([1, 5, '  Asks for refills by ticket, never by email.  ']);
		expect(input.value).toBe('');
		expect(add.disabled).toBe(true);

		const noteId = backend.data.notes[0].id;
		await user.click(within(notes()[0]).getByRole('button', { name: 'Delete note' }));
		await waitFor(() => expect(notes()).toHaveLength(0));
		const deleted = backend.calls.filter((c) => c.method === 'noteDelete');
		expect(deleted.map((c) => c.args)).toEqual([[noteId]]);
		expect(backend.data.notes).toEqual([]);
	});

	it('keeps the draft and says why when a note cannot be saved', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend({
			failWith: { noteAdd: { code: 'database', message: 'The notes file is read-only.', fix: null } }
		});
		await renderUser(backend);
		const input = (await screen.findByTestId('note-input')) as HTMLTextAreaElement;
		await user.type(input, 'VIP');
		await user.click(screen.getByTestId('note-add'));
		expect((await screen.findByRole('alert')).textContent).toBe('The notes file is read-only.');
		expect(input.value).toBe('VIP');
		expect(notes()).toHaveLength(0);
	});

	it('says when the user is not in the cache', async () => {
		await renderUser(createMockBackend(), 99);
		const error = await screen.findByTestId('detail-error');
		expect(error.getAttribute('role')).toBe('alert');
		expect(error.textContent).toContain('there is no user #99 in the cache');
		expect(screen.queryByTestId('user-fields')).toBeNull();
	});

	it('closes with Esc and with the close button', async () => {
		const user = userEvent.setup();
		const { onclose } = await renderUser(createMockBackend());
		await screen.findByTestId('user-username');
		await user.keyboard('{Escape}');
		expect(onclose).toHaveBeenCalledTimes(1);
		await user.click(screen.getByTestId('detail-close'));
		expect(onclose).toHaveBeenCalledTimes(2);
	});
});

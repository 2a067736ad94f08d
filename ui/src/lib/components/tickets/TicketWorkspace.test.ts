import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createMockBackend, type MockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import TicketWorkspace from './TicketWorkspace.svelte';

async function open(backend: MockBackend, id = 901) {
	const onclose = vi.fn();
	const ctx = testContext(backend);
	await ctx.app.start();
	render(TicketWorkspace, { props: { panelId: 1, id, onclose }, context: ctx.context });
	await screen.findByTestId('ticket-workspace');
	return { onclose };
}

const box = () => screen.getByTestId('reply-box') as HTMLTextAreaElement;

describe('TicketWorkspace', () => {
	it('shows the conversation with customer and staff told apart, and the quoted order', async () => {
		// Ticket 906 is answered: the customer's message, then kai's.
		await open(createMockBackend(), 906);
		const messages = screen.getAllByTestId('message');
		expect(messages.map((m) => m.dataset.staff)).toEqual(['false', 'true']);
		expect(messages[0].textContent).toContain('user6');
		expect(messages[1].textContent).toContain('kai');
		expect(within(screen.getByTestId('quoted-orders')).getByText('#10906')).toBeTruthy();
	});

	it('sends the reply with how many messages the operator saw, then clears the box', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		await open(backend);
		await user.type(box(), 'On it{Control>}{Enter}{/Control}');
		await waitFor(() => expect(screen.getByTestId('reply-note').textContent).toBe('Sent.'));
		const sent = backend.calls.find((c) => c.method === 'replySend');
		expect(sent?.args[0]).toEqual({ panel_id: 1, ticket_id: 901, text: 'On it', seen_messages: 1 });
		expect(box().value).toBe('');
	});

	it('r goes to the reply box and Esc leaves it without closing the ticket', async () => {
		const user = userEvent.setup();
		const { onclose } = await open(createMockBackend());
		await user.keyboard('r');
		expect(document.activeElement).toBe(box());
		expect(box().value).toBe('');
		await user.keyboard('{Escape}');
		expect(document.activeElement).not.toBe(box());
		expect(onclose).not.toHaveBeenCalled();
	});

	it('inserts a template filled from the ticket and names what it could not fill', async () => {
		const user = userEvent.setup();
		await open(createMockBackend());
		await user.click(screen.getByTestId('template-picker'));
		await user.click(await screen.findByTestId('template-option'));
		await waitFor(() => expect(box().value).toBe('Hi user1, the refill of {{order_ids}} has started. operator'));
		expect(screen.getByTestId('reply-missing').textContent).toContain('{{order_ids}}');
	});

	it('asks before a link in a message opens, showing its whole address', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		const ctx = testContext(backend);
		await ctx.app.start();
		render(TicketWorkspace, { props: { panelId: 1, id: 901, onclose: vi.fn() }, context: ctx.context });
		const body = (await screen.findAllByTestId('message-body'))[0];
		body.insertAdjacentHTML('beforeend', '<a data-href="https://x.example/a?b=1">see</a>');
		HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
			this.open = true;
		};
		await user.click(within(body).getByText('see'));
		expect(screen.getByTestId('link-url').textContent).toBe('https://x.example/a?b=1');
		expect(backend.calls.some((c) => c.method === 'linkOpen')).toBe(false);
		await user.click(screen.getByTestId('link-open'));
		expect(backend.calls.find((c) => c.method === 'linkOpen')?.args).toEqual(['https://x.example/a?b=1']);
	});

	it('offers the staff-name fix when the panel has none, and no Send', async () => {
		const backend = createMockBackend();
		backend.data.panels[0].staff_name = null;
		await open(backend);
		expect(screen.getByTestId('staff-fix').textContent).toContain('No staff name is set for you on Main');
		expect((screen.getByTestId('reply-send') as HTMLButtonElement).disabled).toBe(true);
	});
});

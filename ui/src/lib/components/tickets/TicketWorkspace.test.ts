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

describe('TicketWorkspace AI', () => {
	it('drafts with a preset into the reply box, token by token, and makes it shorter', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		backend.data.aiPresets.push({ id: 1, title: 'Polite', provider_id: 1, model: null, system_prompt: 'Be polite.' });
		await open(backend);
		await user.click(await screen.findByTestId('ai-draft-button'));
		await waitFor(() => expect(box().value).toBe('Answer to draft.'));
		const asked = backend.calls.find((c) => c.method === 'aiAsk');
		expect(asked?.args.slice(1)).toEqual([1, 901, { kind: 'draft', preset_id: 1 }, null]);
		await user.click(screen.getByTestId('ai-shorter'));
		await waitFor(() => expect(box().value).toBe('Answer to refine.'));
		const refine = backend.calls.filter((c) => c.method === 'aiAsk')[1];
		expect(refine.args[3]).toEqual({ kind: 'refine', how: 'shorter', draft: 'Answer to draft.' });
	});

	it('flags an order ID the cache does not hold before sending, and sends on the second click', async () => {
		const user = userEvent.setup();
		const backend = createMockBackend();
		await open(backend);
		await user.type(box(), 'Order 9999999 is done');
		await user.click(screen.getByTestId('reply-send'));
		expect((await screen.findByTestId('reply-unknown-orders')).textContent).toContain('#9999999');
		expect(backend.calls.some((c) => c.method === 'replySend')).toBe(false);
		expect(screen.getByTestId('reply-send').textContent?.trim()).toBe('Send anyway');
		await user.click(screen.getByTestId('reply-send'));
		await waitFor(() => expect(backend.calls.some((c) => c.method === 'replySend')).toBe(true));
	});

	it('shows the intent of a customer message as one label', async () => {
		const user = userEvent.setup();
		await open(createMockBackend());
		await user.click(screen.getAllByTestId('ai-intent')[0]);
		expect((await screen.findByTestId('ai-intent-result')).textContent).toBe('refill');
	});
});

describe('TicketWorkspace money', () => {
	it('adds a payment for the ticket’s customer from the workspace', async () => {
		HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
			this.open = true;
		};
		const user = userEvent.setup();
		const backend = createMockBackend();
		await open(backend);
		await user.click(screen.getByTestId('ticket-add-payment'));
		await user.type(await screen.findByTestId('payment-amount'), '5{Enter}');
		expect((await screen.findByTestId('payment-confirmation')).textContent).toContain('user1');
		expect(screen.getByTestId('confirm-amount').textContent).toBe('5.00 USD');
	});
});

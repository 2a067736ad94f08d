import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createMockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import AddPayment from './AddPayment.svelte';

HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
	this.open = true;
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
	this.open = false;
	this.dispatchEvent(new Event('close'));
};

async function open() {
	const backend = createMockBackend();
	const ctx = testContext(backend);
	await ctx.app.start();
	const onclose = vi.fn();
	render(AddPayment, { props: { panelId: 1, username: 'user5', onclose }, context: ctx.context });
	await screen.findByTestId('payment-method');
	return { backend, onclose };
}

describe('AddPayment', () => {
	it('confirms exactly what will be sent, then sends it once', async () => {
		const user = userEvent.setup();
		const { backend } = await open();
		await user.type(screen.getByTestId('payment-amount'), '12.5');
		await user.type(screen.getByTestId('payment-memo'), 'refund');
		await user.keyboard('{Enter}');
		const confirmation = await screen.findByTestId('payment-confirmation');
		expect(confirmation.textContent).toContain('user5');
		expect(confirmation.textContent).toContain('Bank Transfer (manual)');
		expect(screen.getByTestId('confirm-amount').textContent).toBe('12.50 USD');
		expect(backend.calls.some((c) => c.method === 'paymentSend')).toBe(false);
		// The send button has the focus: Enter sends; a double click sends once.
		expect(document.activeElement).toBe(screen.getByTestId('payment-send'));
		await user.dblClick(screen.getByTestId('payment-send'));
		expect((await screen.findByTestId('payment-outcome')).textContent).toContain('payment #7001');
		expect(backend.calls.filter((c) => c.method === 'paymentSend')).toHaveLength(1);
	});

	it('shows why an amount is refused, and sends nothing', async () => {
		const user = userEvent.setup();
		const { backend } = await open();
		await user.type(screen.getByTestId('payment-amount'), '1.005');
		await user.click(screen.getByTestId('payment-check'));
		await waitFor(() => expect(screen.getByTestId('payment-error').textContent).toContain('is not an amount'));
		expect(backend.calls.some((c) => c.method === 'paymentSend')).toBe(false);
	});
});

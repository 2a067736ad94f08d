import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { createMockBackend, MOCK_NOW, type MockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import OrderDetail from './OrderDetail.svelte';

async function renderOrder(backend: MockBackend, id: number) {
	const ctx = testContext(backend);
	await ctx.app.start();
	render(OrderDetail, { props: { panelId: 1, id, onclose: vi.fn() }, context: ctx.context });
}

function field(label: string): string | undefined {
	const term = within(screen.getByTestId('order-fields'))
		.getAllByText(label)
		.find((el) => el.tagName === 'DT');
	return term?.nextElementSibling?.textContent?.trim();
}

describe('OrderDetail', () => {
	it('shows the order’s fields and links to its user', async () => {
		const backend = createMockBackend();
		await renderOrder(backend, 100007);
		const link = await screen.findByTestId('order-user-link');
		expect(screen.getByTestId('detail-title').textContent).toBe('Order #100007');
		expect(link.textContent).toBe('user8');
		expect(link.getAttribute('href')).toBe('/users?panel=1&open=8');
		expect(screen.getByTestId('order-link').textContent).toBe('https://instagram.com/p/post7');
		expect(field('Panel')).toBe('Main');
		expect(field('Status')).toBe('Pending');
		expect(field('Charge')).toBe('$0.25');
		expect(field('Quantity')).toBe('1,000');
		expect(field('Service')).toBe('102 · TikTok Views');
		expect(field('Finished')).toBe('—');
		expect(screen.getByTestId('order-no-mentions').textContent).toBe('No cached ticket quotes this order.');
		expect(backend.calls.find((c) => c.method === 'orderDetail')?.args).toEqual([1, 100007]);
	});

	it('names a user that is not cached without a link', async () => {
		const backend = createMockBackend();
		backend.data.orders[7].user = 'gone-user';
		await renderOrder(backend, 100007);
		await screen.findByTestId('order-fields');
		expect(field('User')).toBe('gone-user (not cached)');
		expect(screen.queryByTestId('order-user-link')).toBeNull();
	});

	it('lists the tickets that quote it', async () => {
		const backend = createMockBackend();
		const orderDetail = backend.orderDetail;
		backend.orderDetail = async (panelId, id) => ({
			...(await orderDetail(panelId, id)),
			mentions: [{ ticket: backend.data.tickets[1], quoted_at: MOCK_NOW - 600 }]
		});
		await renderOrder(backend, 100007);
		const mentions = await screen.findByTestId('order-mentions');
		expect(within(mentions).getByRole('listitem').textContent).toContain('Ticket #902 · Payment - Not received');
		expect(screen.queryByTestId('order-no-mentions')).toBeNull();
	});

	it('says when the order is not in the cache', async () => {
		await renderOrder(createMockBackend(), 1);
		const error = await screen.findByTestId('detail-error');
		expect(error.textContent).toContain('there is no order #1 in the cache');
		expect(screen.queryByTestId('order-fields')).toBeNull();
	});
});

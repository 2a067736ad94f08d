import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { NAV_GROUPS, SCREENS, screenByPath, screensInGroup } from '$lib/screens';
import Sidebar from './Sidebar.svelte';

function renderSidebar(currentPath: string) {
	const onabout = vi.fn();
	render(Sidebar, { props: { currentPath, onabout } });
	const nav = screen.getByRole('navigation', { name: 'Main' });
	return { nav, onabout };
}

describe('Sidebar', () => {
	it('shows the app name', () => {
		renderSidebar('/');
		expect(screen.getByText('Paneldesk')).toBeTruthy();
	});

	it('links every screen of the table, in order, each to its own route', () => {
		const { nav } = renderSidebar('/');
		const links = within(nav).getAllByRole('link');

		expect(links.map((a) => a.textContent?.trim())).toEqual(SCREENS.map((s) => s.title));
		for (const link of links) {
			const href = link.getAttribute('href') ?? '';
			const target = screenByPath(href);
			expect(target, `link ${href} resolves to a screen`).toBeDefined();
			expect(link.textContent?.trim()).toBe(target?.title);
		}
	});

	it('groups Reports and Settings under their headings', () => {
		const { nav } = renderSidebar('/');
		for (const group of NAV_GROUPS.filter((g) => g.label)) {
			const list = within(nav).getByRole('list', { name: group.label ?? '' });
			expect(
				within(list)
					.getAllByRole('link')
					.map((a) => a.getAttribute('href'))
			).toEqual(screensInGroup(group.id).map((s) => s.path));
		}
	});

	it.each(['/', '/orders', '/reports/service-health', '/settings/updates', '/settings/panels/'])(
		'marks only the current screen (%s) with aria-current=page',
		(path) => {
			const { nav } = renderSidebar(path);
			const current = within(nav)
				.getAllByRole('link')
				.filter((a) => a.getAttribute('aria-current') === 'page');
			expect(current).toHaveLength(1);
			expect(current[0].textContent?.trim()).toBe(screenByPath(path)?.title);
		}
	);

	it('marks nothing on a path that is not a screen', () => {
		const { nav } = renderSidebar('/reports/nope');
		expect(nav.querySelector('[aria-current]')).toBeNull();
	});

	it('can be used from the keyboard: Tab walks the links, then the About button', async () => {
		const user = userEvent.setup();
		const { nav, onabout } = renderSidebar('/');
		const links = within(nav).getAllByRole('link');

		await user.tab();
		expect(document.activeElement).toBe(links[0]);
		for (let i = 1; i < links.length; i++) await user.tab();
		expect(document.activeElement).toBe(links[links.length - 1]);
		await user.tab();
		expect(document.activeElement).toBe(screen.getByTestId('about-button'));
		await user.keyboard('{Enter}');
		expect(onabout).toHaveBeenCalledOnce();
	});
});

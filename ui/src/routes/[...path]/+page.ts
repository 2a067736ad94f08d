import { error } from '@sveltejs/kit';
import { t } from '$lib/messages';
import { screenByPath } from '$lib/screens';
import type { PageLoad } from './$types';

// Every screen but the dashboard comes through here; the screens table says
// which paths exist.
export const load: PageLoad = ({ params }) => {
	const screen = screenByPath(`/${params.path}`);
	if (!screen) error(404, t.errorPage.noSuchScreen);
	return { screen };
};

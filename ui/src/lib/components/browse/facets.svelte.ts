/**
 * The filters' choices (statuses, services, providers...), read from the
 * cache once per screen, and the panel choice every browser offers.
 */
import type { AppData } from '$lib/app-data.svelte';
import { useBackend, type Facets } from '$lib/backend';
import { label } from '$lib/format';
import { t } from '$lib/messages';
import { onMount } from 'svelte';
import type { FilterControl } from '../table/filters';

export function useFacets(): { readonly value: Facets | null } {
	const backend = useBackend();
	let value = $state<Facets | null>(null);
	onMount(() => {
		backend
			.facets()
			.then((f) => (value = f))
			.catch(() => (value = null));
	});
	return {
		get value() {
			return value;
		}
	};
}

export function options(values: string[] | undefined): { value: string; label: string }[] {
	return (values ?? []).map((v) => ({ value: v, label: label(v) }));
}

/** The panel filter; offered only when there is more than one panel. */
export function panelControl(app: AppData): FilterControl[] {
	if (app.panels.length < 2) return [];
	return [
		{
			kind: 'select',
			field: 'panel_id',
			label: t.fields.panel,
			numeric: true,
			options: app.panels.map((p) => ({ value: String(p.id), label: p.name }))
		}
	];
}

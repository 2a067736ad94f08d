/** What a filter bar offers: each control edits one field of the filter. */
export type FilterControl =
	| {
			kind: 'select';
			/** The filter field it sets. */
			field: string;
			label: string;
			options: { value: string; label: string }[];
			/** Numbers go to the core as numbers (panel and service ids). */
			numeric?: boolean;
	  }
	| { kind: 'dates'; from: string; to: string; label: string }
	| { kind: 'text'; field: string; label: string; placeholder: string };

/** Fields of the filter that are set, for "Clear filters" and the count line. */
export function activeFields(filter: Record<string, unknown>): string[] {
	return Object.entries(filter)
		.filter(([, v]) => v !== null && v !== undefined && v !== '')
		.map(([k]) => k);
}

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
	| { kind: 'text'; field: string; label: string; placeholder: string }
	/** A yes-only switch: checked sets the field to true, unchecked clears it. */
	| { kind: 'toggle'; field: string; label: string };

/** A filter as the controls edit it. */
export type FilterValues = Record<string, string | number | boolean | null>;

/** Fields of the filter that are set, for "Clear filters" and the count line. */
export function activeFields(filter: Record<string, unknown>): string[] {
	return Object.entries(filter)
		.filter(([, v]) => v !== null && v !== undefined && v !== '' && v !== false)
		.map(([k]) => k);
}

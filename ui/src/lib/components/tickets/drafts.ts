/**
 * Reply drafts by ticket, for this window's lifetime: moving to another
 * ticket (j / k) and back, or a reload of the ticket, keeps what was typed.
 */
const drafts = new Map<string, string>();

const key = (panelId: number, ticketId: number) => `${panelId}/${ticketId}`;

export function draftOf(panelId: number, ticketId: number): string {
	return drafts.get(key(panelId, ticketId)) ?? '';
}

export function keepDraft(panelId: number, ticketId: number, text: string): void {
	if (text) drafts.set(key(panelId, ticketId), text);
	else drafts.delete(key(panelId, ticketId));
}

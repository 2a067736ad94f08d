import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createMockBackend } from '$lib/backend/mock';
import { testContext } from '$lib/test-context';
import BackupSettings from './BackupSettings.svelte';

// jsdom's files cannot be read as an ArrayBuffer yet; its FileReader can.
Blob.prototype.arrayBuffer ??= function (this: Blob) {
	return new Promise((resolve) => {
		const reader = new FileReader();
		reader.onload = () => resolve(reader.result as ArrayBuffer);
		reader.readAsArrayBuffer(this);
	});
};

describe('Backup', () => {
	it('exports only when the passphrase is typed twice the same, and says where', async () => {
		const b = createMockBackend();
		render(BackupSettings, { context: testContext(b).context });
		await userEvent.type(screen.getByTestId('backup-passphrase'), 'a long passphrase');
		await userEvent.type(screen.getByTestId('backup-passphrase-again'), 'a long passphrasE');
		await userEvent.click(screen.getByTestId('backup-export-run'));
		expect(await screen.findByText('The two passphrases differ.')).toBeTruthy();
		expect(b.calls.some((c) => c.method === 'backupExport')).toBe(false);
		await userEvent.clear(screen.getByTestId('backup-passphrase-again'));
		await userEvent.type(screen.getByTestId('backup-passphrase-again'), 'a long passphrase');
		await userEvent.click(screen.getByTestId('backup-export-run'));
		expect((await screen.findByTestId('backup-made')).textContent).toContain('paneldesk-local-backup-');
		expect(b.calls.find((c) => c.method === 'backupExport')?.args).toEqual(['a long passphrase']);
	});

	it('restores a file: a wrong passphrase is said, a right one is staged for the restart', async () => {
		const wrong = createMockBackend({
			failWith: { backupRestore: { code: 'wrong_passcode', message: 'this file cannot be opened with this passphrase', fix: 'Type the passphrase the backup was made with; nothing was changed.' } }
		});
		const { unmount } = render(BackupSettings, { context: testContext(wrong).context });
		const file = new File([new Uint8Array([1, 2, 3])], 'paneldesk.age');
		await userEvent.upload(screen.getByTestId('backup-file'), file);
		await userEvent.type(screen.getByTestId('backup-restore-passphrase'), 'not it');
		await userEvent.click(screen.getByTestId('backup-restore-run'));
		expect((await screen.findByTestId('backup-restore-error')).textContent).toContain('nothing was changed');
		unmount();

		const b = createMockBackend();
		render(BackupSettings, { context: testContext(b).context });
		await userEvent.upload(screen.getByTestId('backup-file'), file);
		await userEvent.type(screen.getByTestId('backup-restore-passphrase'), 'the right one');
		await userEvent.click(screen.getByTestId('backup-restore-run'));
		await screen.findByTestId('backup-staged');
		expect(b.calls.find((c) => c.method === 'backupRestore')?.args).toEqual([{ name: 'paneldesk.age', bytes: [1, 2, 3] }, 'the right one']);
		await userEvent.click(screen.getByTestId('backup-restart'));
		await waitFor(() => expect(b.calls.some((c) => c.method === 'appRestart')).toBe(true));
	});
});

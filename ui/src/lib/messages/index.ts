/**
 * The UI's text: components read every string they show from `t`, never
 * from literals in their markup (messages.test.ts checks the components).
 *
 *     import { t } from '$lib/messages';
 *     <h1>{t.dashboard.waitingLongest}</h1>
 *     <p>{t.panels.removedNotice(panel.name)}</p>
 *
 * Adding a language (Turkish, say) is a file, not a rewrite:
 *   1. copy en.ts to tr.ts as `export const tr: Messages = { ... }` and
 *      translate every leaf; the `Messages` type makes the compiler list any
 *      key missing, extra or of the wrong kind (a function stays a function,
 *      with the same arguments);
 *   2. choose the catalog below, for example by the OS language:
 *      `export const t: Messages = navigator.language.startsWith('tr') ? tr : en;`
 * The catalog is chosen once, when the app starts: screens read `t` as
 * plain data, so a change of language is a restart.
 */
import { en, type Noun } from './en';

/** The shape every catalog has: English's. */
export type Messages = typeof en;
export type { Noun };

/** The active catalog. English only for now. */
export const t: Messages = en;

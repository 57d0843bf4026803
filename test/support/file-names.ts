import { parse as parseDisposition } from 'content-disposition';

/** Names in several scripts, as people name their files (accents, ß, CJK, Cyrillic, Arabic, emoji). */
export const NAMES_IN_SCRIPTS = [
  'Café déjà vu.txt',
  'Foto – Straße ☀.bin',
  '写真 2026.jpg',
  'Отчёт за май.pdf',
  'تقرير مالي.docx',
  '🎉 party 👩‍👩‍👧.png',
];

/** The name a download is saved under, as a browser reads Content-Disposition (filename* first). */
export function dispositionName(header: string | null | undefined): string | undefined {
  return header ? parseDisposition(header).parameters.filename : undefined;
}

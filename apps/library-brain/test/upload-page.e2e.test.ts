// Adding and removing books on the page, as a person does it: a real server process, real files,
// real Chromium. A PDF uploaded from the page is cited with its page number.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumOptions, chromiumPath, screenshotPath, startLibraryBrain } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { chromium } from 'playwright-core';
import { expect, it } from 'vitest';
import { lighthousePages, pdfByHand } from './support/pdf-by-hand.js';

const orchard =
  'The Orchard\n\nApples ripened in the orchard while the farmer slept under the old pear tree.\n\n' +
  'In autumn the farmer pressed the apples into cider and sold it at the market of Saint-Malo.\n';

function multipart(name: string, content: Blob | string, type = 'text/plain'): FormData {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  return form;
}

/**
 * Posts one file as multipart/form-data and resolves with the answer, even when the server answers
 * before the body is sent whole (413) and closes the connection: the write error that follows is
 * expected, and fetch would report only it.
 */
function postAnswered(url: string, name: string, content: string): Promise<{ status: number; body: string }> {
  const boundary = 'klody-test-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${name}"\r\ncontent-type: text/plain\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise((resolveAnswer, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
    });
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (piece: string) => {
        text += piece;
      });
      response.on('end', () => resolveAnswer({ status: response.statusCode ?? 0, body: text }));
    });
    let answered = false;
    request.on('response', () => {
      answered = true;
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    request.end(body);
  });
}

describeRequiring({ tools: [chromiumPath] }, 'uploading and removing books on the page', () => {
  const reaper = useProcessReaper();

  it('refuses what is no book or too large with a JSON error, stores nothing, then uploads from the page, cites a PDF page, removes a book after confirmation and takes a dropped file', async () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-upload-'));
    const uploads = join(home, 'library-brain', 'uploads');
    // A 1 MiB upload limit, for the 413 below.
    const server = await startLibraryBrain(reaper, { home, env: { KLODY_LIBRARY_BRAIN_UPLOAD_LIMIT: '1' } });
    const upload = (body: BodyInit, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/api/books/upload`, { method: 'POST', body, headers });

    const notMultipart = await upload(JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' });
    expect(notMultipart.status).toBe(415);
    expect(await notMultipart.json()).toEqual({
      error: { code: 'unsupported_media_type', message: expect.stringMatching(/multipart\/form-data/) },
    });
    const program = await upload(multipart('setup.exe', 'MZ\u0000\u0000binary', 'application/octet-stream'));
    expect(program.status).toBe(400);
    expect(await program.json()).toMatchObject({ error: { code: 'unsupported_format' } });
    const huge = await postAnswered(`${server.url}/api/books/upload`, 'huge.txt', 'word '.repeat(300_000));
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ error: { code: 'body_too_large' } });
    const empty = await upload(multipart('empty.txt', ''));
    expect(empty.status).toBe(400);
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
    expect(await (await fetch(`${server.url}/api/books`)).json()).toMatchObject({ total: 0 });

    const context = await chromium.launchPersistentContext(join(home, 'chromium-profile'), chromiumOptions());
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      await page.locator('#upload-input').setInputFiles([
        {
          name: 'northern-light.pdf',
          mimeType: 'application/pdf',
          buffer: pdfByHand('The Northern Light', lighthousePages()),
        },
        { name: 'orchard.txt', mimeType: 'text/plain', buffer: Buffer.from(orchard) },
      ]);
      await expect
        .poll(() => page.locator('#upload-status').textContent(), { timeout: 60_000 })
        .toMatch(/^2 added/);
      await expect.poll(() => page.locator('#books-body tr').count(), { timeout: 10_000 }).toBe(2);
      expect(readdirSync(uploads).sort()).toEqual(['northern-light.pdf', 'orchard.txt']);

      // The PDF's fact is on its second page: the citation and the opened passage say so.
      await page.fill('#question', 'What did the lantern of the northern lighthouse burn?');
      await page.click('#ask-button');
      await page.waitForFunction(
        () => /cited passage/.test(document.querySelector('#answer-status')?.textContent ?? ''),
        undefined,
        { timeout: 30_000 },
      );
      const citations = page.locator('#citations li button');
      expect(await citations.first().textContent()).toMatch(/^The Northern Light.*\(p\. 2\)$/);
      await citations.first().click();
      await page.locator('#passage mark').waitFor({ timeout: 10_000 });
      expect(await page.locator('#passage-title').textContent()).toMatch(/The Northern Light.*, p\. 2$/);
      expect(await page.locator('#passage mark').textContent()).toMatch(/whale oil/);

      // Removal asks first: dismissed, the book stays; accepted, it goes, with its uploaded copy.
      const orchardRow = page.locator('#books-body tr', { hasText: 'The Orchard' });
      page.once('dialog', (dialog) => void dialog.dismiss());
      await orchardRow.locator('.remove-book').click();
      await page.waitForTimeout(500);
      expect(await page.locator('#books-body tr').count()).toBe(2);
      let question = '';
      page.once('dialog', (dialog) => {
        question = dialog.message();
        void dialog.accept();
      });
      await orchardRow.locator('.remove-book').click();
      await expect.poll(() => page.locator('#books-body tr').count(), { timeout: 10_000 }).toBe(1);
      expect(question).toMatch(/Remove "The Orchard"/);
      expect(await page.locator('#upload-status').textContent()).toBe('Removed "The Orchard".');
      expect(readdirSync(uploads)).toEqual(['northern-light.pdf']);

      // A file dropped on the zone is uploaded as a chosen one.
      await page.evaluate(() => {
        const transfer = new DataTransfer();
        transfer.items.add(
          new File(['The Mill\n\nThe miller ground the wheat into flour by the river.\n'], 'mill.txt', {
            type: 'text/plain',
          }),
        );
        document
          .querySelector('#upload-zone')
          ?.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      });
      await expect
        .poll(() => page.locator('#upload-status').textContent(), { timeout: 60_000 })
        .toMatch(/^1 added/);
      await expect.poll(() => page.locator('#books-body tr').count(), { timeout: 10_000 }).toBe(2);
      expect(readdirSync(uploads).sort()).toEqual(['mill.txt', 'northern-light.pdf']);
      await page.screenshot({ path: screenshotPath('library-brain-upload.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});

// What customers type (the web form, e-mail: subject, body, sender, attachment names) reaches
// the app's screens as text: Svelte escapes every `{value}`, and no component renders HTML
// from a string. This test fails when a component starts to (`{@html ...}`), and renders a
// component with a hostile value on the server side to see it escaped.
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';

import AttachmentList from '../components/intake/AttachmentList.svelte';

const SCRIPT = '<script>alert("x")</script>';

// Every component's source, by path.
const sources = import.meta.glob<string>('../**/*.svelte', { query: '?raw', import: 'default', eager: true });

describe('customer text is shown as text', () => {
  it('no component renders a string as HTML', () => {
    const files = Object.entries(sources);
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter(([, source]) => source.includes('{@html')).map(([path]) => path);
    expect(offenders).toEqual([]);
  });

  it('a hostile attachment name is escaped', () => {
    const { body } = render(AttachmentList, {
      props: {
        attachments: [
          { id: 'a1', request_id: 'r1', name: SCRIPT, mime_type: 'text/plain', size: 12, sha256: 'ab'.repeat(32), kept: false, here: false },
        ],
      },
    });
    expect(body).not.toContain('<script>');
    expect(body).toContain('&lt;script>alert("x")&lt;/script>');
  });
});

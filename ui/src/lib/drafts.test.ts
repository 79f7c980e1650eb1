import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { DRAFT_DELAY_MS, clearDraft, draftKey, draftSaver, loadDraft, saveDraft } from './drafts';

class MemoryStorage {
  items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

const blank = { name: '', city: '' };

describe('drafts', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', new MemoryStorage());
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('keys drafts by form and entity', () => {
    expect(draftKey('client', null)).toBe('rapportino.draft.client/new');
    expect(draftKey('intervention', '0190-i')).toBe('rapportino.draft.intervention/0190-i');
  });

  it('keeps what was typed and gives it back', () => {
    const key = draftKey('client', null);
    saveDraft(key, { name: 'Cartoleria Esposito', city: 'Napoli' }, blank);
    expect(loadDraft(key, blank)?.data).toEqual({ name: 'Cartoleria Esposito', city: 'Napoli' });
    clearDraft(key);
    expect(loadDraft(key, blank)).toBeNull();
  });

  it('an untouched form leaves no draft', () => {
    const key = draftKey('client', null);
    saveDraft(key, { name: 'x', city: '' }, blank);
    saveDraft(key, { ...blank }, blank);
    expect(loadDraft(key, blank)).toBeNull();
  });

  it('ignores drafts of another shape or version, and garbage', () => {
    const key = draftKey('client', null);
    localStorage.setItem(key, JSON.stringify({ v: 1, savedAt: 1, data: { name: 'x' } }));
    expect(loadDraft(key, blank)).toBeNull();
    localStorage.setItem(key, JSON.stringify({ v: 99, savedAt: 1, data: { name: 'x', city: '' } }));
    expect(loadDraft(key, blank)).toBeNull();
    localStorage.setItem(key, '{not json');
    expect(loadDraft(key, blank)).toBeNull();
    localStorage.setItem(key, JSON.stringify({ v: 1, savedAt: 1, data: { name: 1, city: '' } }));
    expect(loadDraft(key, blank)).toBeNull();
  });

  it('saves a moment after the last change, flushes when closing, stops after a save', () => {
    const key = draftKey('ticket', null);
    const form = { name: '', city: '' };
    const saver = draftSaver(key, () => ({ ...form }), blank);
    form.name = 'Stam';
    saver.schedule();
    form.name = 'Stampante';
    saver.schedule();
    vi.advanceTimersByTime(DRAFT_DELAY_MS - 1);
    expect(loadDraft(key, blank)).toBeNull();
    vi.advanceTimersByTime(1);
    expect(loadDraft(key, blank)?.data.name).toBe('Stampante');
    form.city = 'Bari';
    saver.schedule();
    saver.dispose(); // the form closes before the delay: what is pending is kept
    expect(loadDraft(key, blank)?.data.city).toBe('Bari');

    const again = draftSaver(key, () => ({ ...form }), blank);
    again.clear(); // saved for real
    again.schedule();
    vi.advanceTimersByTime(DRAFT_DELAY_MS * 2);
    expect(loadDraft(key, blank)).toBeNull();
  });
});

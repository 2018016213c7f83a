import '@testing-library/jest-dom/vitest';

// jsdom has no object URLs; the UI only needs a stable string for <img src>.
if (typeof URL.createObjectURL !== 'function') {
  let next = 0;
  URL.createObjectURL = () => {
    next += 1;
    return `blob:test/${next}`;
  };
  URL.revokeObjectURL = () => {};
}

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
if (typeof document !== 'undefined') {
  const { afterEach } = await import('vitest');
  const { cleanup } = await import('@testing-library/react');
  afterEach(() => cleanup());
}

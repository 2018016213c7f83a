import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiPaths } from '@/config/paths.ts';
import { depthFixture } from '@/testing/mocks/fixtures.ts';
import { requests, resetRequests, server } from '@/testing/mocks/server.ts';
import { imageFile, renderApp } from '@/testing/render-app.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => resetRequests());
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function uploadBus() {
  const app = renderApp();
  await app.user.upload(screen.getByTestId('file-input'), imageFile('bus.jpg'));
  await screen.findAllByTestId('detection-box');
  return app;
}

describe('analysis of an uploaded image', () => {
  it('when an image is uploaded, draws each box with its label at its position scaled to the image', async () => {
    await uploadBus();

    const bus = screen.getAllByTestId('detection-box').find((b) => b.dataset.label === 'bus');
    expect(bus).toBeDefined();
    expect(bus).toHaveAccessibleName('bus, 87% confidence');
    expect(within(bus!).getByText('bus 87%')).toBeInTheDocument();
    // x1 17.2 of 810 px wide, y1 230.1 of 1080 px high, box 784.3 x 538.8 px.
    expect(bus!.style.left).toBe('2.123%');
    expect(bus!.style.top).toBe('21.306%');
    expect(bus!.style.width).toBe('96.827%');
    expect(bus!.style.height).toBe('49.889%');
  });

  it('when the confidence slider moves, re-filters boxes without sending a new request', async () => {
    await uploadBus();
    await screen.findByTestId('depth-map');
    // Default threshold 25%: the 12% box is hidden, the other three are shown.
    expect(screen.getAllByTestId('detection-box')).toHaveLength(3);

    fireEvent.change(screen.getByLabelText(/minimum confidence/i), { target: { value: '0.5' } });
    expect(screen.getAllByTestId('detection-box').map((b) => b.dataset.label)).toEqual(['bus', 'person']);

    fireEvent.change(screen.getByLabelText(/minimum confidence/i), { target: { value: '0.1' } });
    expect(screen.getAllByTestId('detection-box')).toHaveLength(4);
    expect(requests.detect).toBe(1);
    expect(requests.depth).toBe(1);
  });

  it('when a class is switched off, hides its boxes and list entries without a new request', async () => {
    const { user } = await uploadBus();

    await user.click(screen.getByRole('checkbox', { name: /person/ }));

    expect(screen.getAllByTestId('detection-box').map((b) => b.dataset.label)).toEqual(['bus']);
    expect(screen.getAllByTestId('detection-entry')).toHaveLength(1);
    expect(requests.detect).toBe(1);
  });

  it('when depth answers, lists the objects nearest first by rank', async () => {
    await uploadBus();
    fireEvent.change(screen.getByLabelText(/minimum confidence/i), { target: { value: '0.1' } });

    const entries = await screen.findAllByTestId('distance-entry');

    const byRank = [...depthFixture.objects!].sort((a, b) => a.rank - b.rank).map((o) => String(o.index));
    expect(entries.map((e) => e.dataset.index)).toEqual(byRank);
    expect(entries.map((e) => e.dataset.index)).toEqual(['1', '2', '0', '3']);
  });

  it('when an object is hovered in the distance list, highlights its box', async () => {
    const { user } = await uploadBus();
    const entries = await screen.findAllByTestId('distance-entry');

    await user.hover(entries[0]!);

    const highlighted = screen
      .getAllByTestId('detection-box')
      .filter((b) => b.classList.contains('is-highlighted'));
    expect(highlighted).toHaveLength(1);
    expect(highlighted[0]).toHaveAccessibleName('person, 81% confidence');
  });

  it('when both answers are in, shows the per-stage timings of each request', async () => {
    await uploadBus();
    await screen.findByTestId('depth-map');

    const table = screen.getByRole('table', { name: 'Timings (ms)' });
    const inference = within(table).getByRole('row', { name: /inference/ });
    expect(
      within(inference)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['41.0', '300.0']);
  });

  it('when the depth map is put over the photo, its opacity follows the slider', async () => {
    const { user } = await uploadBus();
    await screen.findByTestId('depth-map');

    await user.click(screen.getByRole('radio', { name: 'Over the photo' }));
    fireEvent.change(screen.getByLabelText('Depth opacity'), { target: { value: '0.3' } });

    expect(screen.getByTestId('depth-map')).toHaveStyle({ opacity: '0.3' });
  });

  it('when another colour map is chosen, asks for that depth map once and reuses answers already received', async () => {
    const { user } = await uploadBus();
    await screen.findByTestId('depth-map');

    await user.selectOptions(screen.getByLabelText('Colour map'), 'turbo');
    await waitFor(() => expect(requests.depth).toBe(2));
    await screen.findByTestId('depth-map');
    await user.selectOptions(screen.getByLabelText('Colour map'), 'inferno');
    await user.selectOptions(screen.getByLabelText('Colour map'), 'turbo');

    expect(screen.getByTestId('depth-map')).toBeInTheDocument();
    expect(requests.depth).toBe(2);
    expect(requests.detect).toBe(1);
  });

  it('when images are dropped or pasted, queues each one and shows a gallery', async () => {
    renderApp();

    fireEvent.drop(screen.getByRole('region', { name: 'Add images' }), {
      dataTransfer: { files: [imageFile('dropped.jpg')] },
    });
    fireEvent.paste(document, { clipboardData: { files: [imageFile('pasted.jpg')] } });

    const items = await screen.findAllByTestId('gallery-item');
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining('dropped.jpg'),
      expect.stringContaining('pasted.jpg'),
    ]);
    await waitFor(() => expect(requests.depth).toBe(2));
    // One request per image, even though the detail view moved from the first to the second.
    expect(requests.detect).toBe(2);
    expect(screen.getByRole('article')).toHaveAccessibleName('Results for pasted.jpg');
  });

  it('when detection answers UNSUPPORTED_MEDIA_TYPE, shows a readable message and skips depth', async () => {
    server.use(
      http.post(apiPaths.detect, () =>
        HttpResponse.json(
          { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'not an image', requestId: 'r1' } },
          { status: 415 },
        ),
      ),
    );
    // The person picked "All files" in the dialog: the input's accept filter does not stop them.
    const { user } = renderApp({ applyAccept: false });

    await user.upload(
      screen.getByTestId('file-input'),
      new File(['hello'], 'notes.txt', { type: 'text/plain' }),
    );

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('That file is not an image');
    expect(requests.depth).toBe(0);
  });

  it('when depth fails after detection, keeps the boxes and explains the depth error', async () => {
    server.use(
      http.post(apiPaths.depth, () =>
        HttpResponse.json({ error: { code: 'MODEL_NOT_READY', message: 'loading' } }, { status: 503 }),
      ),
    );
    await uploadBus();

    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('The model is still loading'));
    expect(screen.getAllByTestId('detection-box')).toHaveLength(3);
  });
});

/** `/inspect` (app.md §7.4): inspect an MP4 by upload or by URL. */
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';

export function InspectPage() {
  useReadyMarker(true);
  return (
    <Page>
      <PageTitle title="Inspect an MP4" />
    </Page>
  );
}

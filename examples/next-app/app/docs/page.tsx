import { Uploader } from "../uploader";

export default function DocsPage() {
  return (
    <main>
      <h1>Documents</h1>
      {/* No `input`: the profile has no schema. The file streams through the server. */}
      <Uploader profile="docs" />
    </main>
  );
}

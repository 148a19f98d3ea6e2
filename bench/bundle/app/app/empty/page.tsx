// The baseline: the same layout and build as the other pages, without an uploader.
export default function EmptyPage() {
  return (
    <main>
      <h1>Upload</h1>
    </main>
  );
}

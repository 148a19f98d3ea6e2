// The baseline of the size check: the same layout and build as `/`, without an uploader.
export default function EmptyPage() {
  return (
    <main>
      <h1>Photos</h1>
    </main>
  );
}

import "@upkit/react/styles.css";
import { resolveBackend } from "../lib/backend";
import { DocumentsUploader, GalleryUploader } from "./components/uploaders";

export const dynamic = "force-dynamic";

export default function Home() {
  const backend = resolveBackend();
  return (
    <main style={{ maxWidth: 720, margin: "0 auto" }}>
      <h1>upkit demo</h1>
      <p>
        Backend:{" "}
        <strong>{backend.kind === "emulator" ? "local ImageKit emulator" : "ImageKit.io"}</strong>{" "}
        at <code>{backend.urlEndpoint}</code>
      </p>
      <section aria-labelledby="gallery-heading">
        <h2 id="gallery-heading">Gallery: images and videos, uploaded straight to ImageKit</h2>
        <GalleryUploader />
      </section>
      <section aria-labelledby="documents-heading">
        <h2 id="documents-heading">Documents: streamed through this server</h2>
        <DocumentsUploader />
      </section>
    </main>
  );
}

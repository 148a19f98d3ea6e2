import "@upkit/react/styles.css";
import { cookies } from "next/headers";
import { resolveBackend } from "../lib/backend";
import { SESSION_COOKIE } from "../lib/session";
import { imagekitConfig, webhookSecret } from "../lib/uploads";
import { Gallery } from "./components/gallery";
import { Settings } from "./components/settings";
import { SignIn } from "./components/sign-in";
import {
  AvatarUploader,
  DocumentsUploader,
  GalleryUploader,
  VideosUploader,
} from "./components/uploaders";

export const dynamic = "force-dynamic";

export default async function Home() {
  const backend = resolveBackend();
  const user = (await cookies()).get(SESSION_COOKIE)?.value;
  return (
    <main style={{ maxWidth: 720, margin: "0 auto" }}>
      <h1>upkit demo</h1>
      <p>
        Backend:{" "}
        <strong>{backend.kind === "emulator" ? "local ImageKit emulator" : "ImageKit.io"}</strong>{" "}
        at <code>{backend.urlEndpoint}</code>
      </p>
      <Settings
        backend={backend}
        uploadEndpoint={imagekitConfig.uploadEndpoint}
        webhooks={webhookSecret !== undefined}
      />
      <SignIn user={user} />
      <section aria-labelledby="avatar-heading">
        <h2 id="avatar-heading">Avatar: one image, in your own folder, with a thumbnail</h2>
        <AvatarUploader />
      </section>
      <section aria-labelledby="gallery-heading">
        <h2 id="gallery-heading">Gallery: images and videos, uploaded straight to ImageKit</h2>
        <GalleryUploader />
        <Gallery signedIn={user !== undefined} />
      </section>
      <section aria-labelledby="documents-heading">
        <h2 id="documents-heading">Documents: streamed through this server</h2>
        <DocumentsUploader />
      </section>
      <section aria-labelledby="videos-heading">
        <h2 id="videos-heading">Large videos (resumable): sent in chunks, paused and resumed</h2>
        <VideosUploader />
      </section>
    </main>
  );
}

import "@upkit/react/styles.css";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { resolveBackend } from "../lib/backend";
import { userFolder } from "../lib/folder-slug";
import { readSession } from "../lib/session";
import { imagekitConfig, webhookSecret } from "../lib/uploads";
import { Gallery } from "./components/gallery";
import { Settings } from "./components/settings";
import { SiteHeader } from "./components/site-header";
import {
  AvatarUploader,
  DocumentsUploader,
  GalleryUploader,
  VideosUploader,
} from "./components/uploaders";
import styles from "./page.module.css";

export const dynamic = "force-dynamic";

export default async function Home() {
  const backend = resolveBackend();
  // Read and checked on every request: the cookie is the browser's to change.
  const user = readSession((await headers()).get("cookie"));
  return (
    <>
      <SiteHeader user={user?.name} />
      <main className={styles.main}>
        <div className={styles.intro}>
          <h1>Uploads from React to ImageKit</h1>
          <p className={styles.lead}>
            Four uploaders, one route handler: the server keeps the private key and decides where
            each file goes. {user ? null : "Sign in with your name, at the top, to upload."}
          </p>
          <p className={styles.lead}>
            Backend:{" "}
            <strong>
              {backend.kind === "emulator" ? "local ImageKit emulator" : "ImageKit.io"}
            </strong>{" "}
            at <code>{backend.urlEndpoint}</code>
          </p>
          <Settings
            backend={backend}
            uploadEndpoint={imagekitConfig.uploadEndpoint}
            webhooks={webhookSecret !== undefined}
          />
        </div>
        <div className={styles.grid}>
          <PageSection
            id="avatar"
            title="Avatar"
            description={
              <>
                One image, into{" "}
                {user ? <code>{userFolder(user.slug)}</code> : "a folder of your own"}, with a
                thumbnail.
              </>
            }
          >
            <AvatarUploader />
          </PageSection>
          <PageSection
            id="gallery"
            title="Gallery"
            description="Images and videos straight to ImageKit, with tags and custom metadata."
          >
            <GalleryUploader />
          </PageSection>
          {/* Right under the uploader that fills it, across both columns. */}
          <PageSection
            id="recent"
            title="Recent uploads"
            description="The gallery and the large videos, newest first, with each thumbnail's state."
            wide
          >
            <Gallery signedIn={user !== undefined} />
          </PageSection>
          <PageSection
            id="documents"
            title="Documents"
            description="PDFs, Office files and text, streamed through this server."
          >
            <DocumentsUploader />
          </PageSection>
          <PageSection
            id="videos"
            title="Large videos (resumable)"
            description="Up to 300 MB in chunks over tus: pause, resume, or reload and pick it again."
          >
            <VideosUploader />
          </PageSection>
        </div>
      </main>
    </>
  );
}

/** A part of the page: a heading, one line on what it does, and the thing itself. */
function PageSection({
  id,
  title,
  description,
  wide = false,
  children,
}: {
  id: string;
  title: string;
  description: ReactNode;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-heading`}
      className={wide ? `${styles.section} ${styles.wide}` : styles.section}
    >
      <div className={styles.heading}>
        <h2 id={`${id}-heading`}>{title}</h2>
        <p className={styles.description}>{description}</p>
      </div>
      {children}
    </section>
  );
}
